package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calls the token endpoint, authenticating with {@code client_secret_basic}: redeems an authorization code and
 * renews tokens with a refresh token.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3">RFC 6749 §4.1.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-6">RFC 6749 §6</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.5">RFC 7636 §4.5</a>
 */
public final class TokenEndpointClient {

    private final ProviderHttp http;
    private final String clientId;
    private final String clientSecret;
    private final URI redirectUri;

    public TokenEndpointClient(ProviderHttp http, String clientId, String clientSecret, URI redirectUri) {
        this.http = http;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
    }

    /**
     * @throws TokenEndpointException when the provider answers an error
     * @throws ProviderException      when it cannot be reached or answers something unusable
     */
    public TokenResponse exchange(URI tokenEndpoint, String code, CodeVerifier verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", verifier.value());
        return TokenResponse.parse(post(tokenEndpoint, form));
    }

    /**
     * RFC 6749 §6: {@code grant_type=refresh_token}. The answer may lack an ID token (OIDC Core §12.2).
     *
     * @throws TokenEndpointException when the provider refuses (e.g. {@code invalid_grant})
     * @throws ProviderException      when it cannot be reached or answers something unusable
     */
    public TokenResponse refresh(URI tokenEndpoint, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return TokenResponse.parseRefresh(post(tokenEndpoint, form));
    }

    private JsonNode post(URI tokenEndpoint, Map<String, String> form) {
        HttpResponse<String> response = http.postForm(tokenEndpoint, form, basicAuthorization(clientId, clientSecret));
        if (response.statusCode() != 200) {
            JsonNode error;
            try {
                error = ProviderHttp.parse(response.body(), tokenEndpoint);
            } catch (ProviderException notJson) {
                throw new ProviderException("token endpoint answered HTTP " + response.statusCode() + " without JSON");
            }
            throw new TokenEndpointException(response.statusCode(), error.path("error").asText(null),
                    error.path("error_description").asText(null));
        }
        return ProviderHttp.parse(response.body(), tokenEndpoint);
    }

    /**
     * RFC 6749 §2.3.1: the client identifier and password are each encoded using application/x-www-form-urlencoded
     * before being joined with a colon and base64-encoded.
     */
    public static String basicAuthorization(String clientId, String clientSecret) {
        String credentials = formEncode(clientId) + ":" + formEncode(clientSecret);
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.US_ASCII));
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
