package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Exchanges an authorization code at the token endpoint, authenticating with {@code client_secret_basic}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3">RFC 6749 §4.1.3</a>
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
        String body = form.entrySet().stream()
                .map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(ProviderHttp.REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", basicAuthorization(clientId, clientSecret))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII))
                .build();
        HttpResponse<String> response = http.send(request);
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
        return TokenResponse.parse(ProviderHttp.parse(response.body(), tokenEndpoint));
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
