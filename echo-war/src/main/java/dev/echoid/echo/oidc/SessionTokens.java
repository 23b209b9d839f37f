package dev.echoid.echo.oidc;

import java.io.Serializable;

/**
 * The tokens an HTTP session keeps after sign-in; they never reach the browser. The identity is not stored but
 * re-derived from the ID token on every request, so an expired or no longer verifiable token stops working at once.
 *
 * @param idToken     the ID token
 * @param accessToken the access token, for calls on the user's behalf
 */
public record SessionTokens(String idToken, String accessToken) implements Serializable {

    public static final String SESSION_ATTRIBUTE = SessionTokens.class.getName();

    @Override
    public String toString() {
        return "SessionTokens[****]";
    }
}
