package dev.echoid.echo.oidc;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The authorization code request with PKCE, as the URL the browser is redirected to.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest">OpenID Connect Core 1.0
 *         §3.1.2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.3">RFC 7636 §4.3</a>
 */
public record AuthorizationRequest(URI authorizationEndpoint, String clientId, URI redirectUri, String scope,
        PendingAuthorization pending) {

    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", clientId);
        p.put("redirect_uri", redirectUri.toString());
        p.put("scope", scope);
        p.put("state", pending.state());
        p.put("nonce", pending.nonce());
        p.put("code_challenge", pending.verifier().challenge());
        p.put("code_challenge_method", CodeVerifier.METHOD);
        return p;
    }

    public URI toUri() {
        return withParameters(authorizationEndpoint, parameters());
    }

    /**
     * {@code endpoint} with {@code parameters} added to its query. RFC 6749 §3.1: the endpoint URI MAY include a query
     * component, which MUST be retained when adding parameters; a fragment is dropped.
     */
    static URI withParameters(URI endpoint, Map<String, String> parameters) {
        String query = parameters.entrySet().stream()
                .map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        String base = endpoint.toString();
        int fragment = base.indexOf('#');
        if (fragment >= 0) {
            base = base.substring(0, fragment);
        }
        String separator = endpoint.getRawQuery() == null ? "?" : (base.endsWith("&") || base.endsWith("?") ? "" : "&");
        return URI.create(base + separator + query);
    }

    /** application/x-www-form-urlencoded, with spaces as {@code %20} so the value reads the same in any query parser. */
    public static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
