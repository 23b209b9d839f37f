package dev.echoid.identity.config;

import java.util.Set;

/**
 * The grant types this provider knows, by their names in the protocol (RFC 6749 §4.1.3, §6, §4.4.2): the one place
 * they are spelled, for the settings that name them, the clients that may use them, the handlers and the metrics.
 * In this lowest layer so that the settings check a bootstrap client's list against the same names.
 */
public final class GrantTypes {

    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    /** Every grant type this provider supports; any other is {@code unsupported_grant_type}. */
    public static final Set<String> ALL = Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);

    private GrantTypes() {
    }
}
