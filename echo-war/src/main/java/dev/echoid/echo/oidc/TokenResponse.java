package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
 *
 * @param idToken      the ID token, not yet verified; null only in a refresh response that carries none
 * @param accessToken  the access token
 * @param tokenType    normally {@code Bearer}
 * @param expiresIn    seconds, or -1 when not given
 * @param refreshToken the refresh token, null when none was issued
 */
public record TokenResponse(String idToken, String accessToken, String tokenType, long expiresIn,
        String refreshToken) {

    /** A response to the authorization code grant. @throws ProviderException when a required member is missing */
    public static TokenResponse parse(JsonNode json) {
        TokenResponse response = parseRefresh(json);
        if (response.idToken() == null) {
            throw new ProviderException("token response has no id_token");
        }
        return response;
    }

    /**
     * A response to the refresh token grant: OIDC Core §12.2 lets it omit the ID token.
     *
     * @throws ProviderException when {@code access_token} or {@code token_type} is missing
     */
    public static TokenResponse parseRefresh(JsonNode json) {
        String idToken = nonBlank(json, "id_token");
        String accessToken = nonBlank(json, "access_token");
        String tokenType = nonBlank(json, "token_type");
        if (accessToken == null || tokenType == null) {
            throw new ProviderException("token response lacks access_token or token_type");
        }
        return new TokenResponse(idToken, accessToken, tokenType, json.path("expires_in").asLong(-1),
                nonBlank(json, "refresh_token"));
    }

    private static String nonBlank(JsonNode json, String name) {
        JsonNode node = json.get(name);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresIn + ", refreshToken="
                + (refreshToken == null ? "none" : "****") + "]";
    }
}
