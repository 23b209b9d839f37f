package dev.echoid.echo.oidc;

/**
 * The outcome of a completed sign-in: the tokens to keep and the identity the ID token proved.
 *
 * @param tokens   what the HTTP session keeps
 * @param identity who signed in
 */
public record SignedInUser(SessionTokens tokens, VerifiedIdentity identity) {
}
