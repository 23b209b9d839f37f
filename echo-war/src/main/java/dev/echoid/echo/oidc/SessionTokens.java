package dev.echoid.echo.oidc;

import java.io.Serializable;

/**
 * The tokens an HTTP session keeps after sign-in; they never reach the browser. The identity is not stored but
 * re-derived from the ID token on every request, so an expired or no longer verifiable token stops working at once.
 *
 * @param idToken      the ID token
 * @param accessToken  the access token, for calls on the user's behalf
 * @param refreshToken the refresh token, null when the provider issued none; replaced on every rotation
 * @param renewable    whether a refresh may renew the ID token: false once the provider answered a refresh without
 *                     an ID token, so the session then ends when the ID token it has expires
 */
public record SessionTokens(String idToken, String accessToken, String refreshToken, boolean renewable)
        implements Serializable {

    public static final String SESSION_ATTRIBUTE = SessionTokens.class.getName();

    /** Tokens fresh from a sign-in: renewable when a refresh token came with them. */
    public static SessionTokens issued(TokenResponse response) {
        return new SessionTokens(response.idToken(), response.accessToken(), response.refreshToken(),
                response.refreshToken() != null);
    }

    /** Whether the ID token can be renewed with a refresh token. */
    public boolean canRefresh() {
        return renewable && refreshToken != null;
    }

    @Override
    public String toString() {
        return "SessionTokens[****]";
    }
}
