package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
 *
 * @param idToken     the ID token, not yet verified
 * @param accessToken the access token
 * @param tokenType   normally {@code Bearer}
 * @param expiresIn   seconds, or -1 when not given
 */
public record TokenResponse(String idToken, String accessToken, String tokenType, long expiresIn) {

    /** @throws ProviderException when a member OpenID Connect requires is missing */
    public static TokenResponse parse(JsonNode json) {
        String idToken = json.path("id_token").asText(null);
        String accessToken = json.path("access_token").asText(null);
        String tokenType = json.path("token_type").asText(null);
        if (idToken == null || idToken.isBlank()) {
            throw new ProviderException("token response has no id_token");
        }
        if (accessToken == null || tokenType == null) {
            throw new ProviderException("token response lacks access_token or token_type");
        }
        return new TokenResponse(idToken, accessToken, tokenType, json.path("expires_in").asLong(-1));
    }

    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
}
