package dev.echoid.admin;

/** The JWS algorithms the provider signs with (the values of {@code SigningKeys.supportedAlgorithms()}). */
enum SigningAlgorithm {
    RS256, ES256
}
