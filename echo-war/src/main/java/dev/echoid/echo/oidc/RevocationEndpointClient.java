package dev.echoid.echo.oidc;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Revokes a refresh token at the provider's {@code revocation_endpoint}, authenticating with
 * {@code client_secret_basic}; used only when discovery advertises the endpoint.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
 */
public final class RevocationEndpointClient {

    private final ProviderHttp http;
    private final String clientId;
    private final String clientSecret;

    public RevocationEndpointClient(ProviderHttp http, String clientId, String clientSecret) {
        this.http = http;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** @throws ProviderException when the provider cannot be reached or does not answer 200 */
    public void revokeRefreshToken(URI revocationEndpoint, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", refreshToken);
        form.put("token_type_hint", "refresh_token");
        HttpResponse<String> response = http.postForm(revocationEndpoint, form,
                TokenEndpointClient.basicAuthorization(clientId, clientSecret));
        // RFC 7009 §2.2: the server responds with HTTP 200 if the token was revoked or was already invalid.
        if (response.statusCode() != 200) {
            throw new ProviderException("revocation endpoint answered HTTP " + response.statusCode());
        }
    }
}
