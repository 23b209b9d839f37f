package dev.echoid.identity.protocol;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The redirect back to the client, success or error, always with {@code iss} (RFC 9207 §2) and {@code state} when the
 * request had one (RFC 6749 §4.1.2: "REQUIRED if the state parameter was present").
 */
public final class AuthorizationResponse {

    private AuthorizationResponse() {
    }

    public static URI success(URI redirectUri, String code, String state, URI issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        putIfPresent(params, "state", state);
        params.put("iss", issuer.toString());
        return withQuery(redirectUri, params);
    }

    public static URI error(URI redirectUri, OAuthException error, String state, URI issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error.error().code());
        putIfPresent(params, "error_description", error.description());
        putIfPresent(params, "state", state);
        params.put("iss", issuer.toString());
        return withQuery(redirectUri, params);
    }

    /** RFC 6749 §3.1.2: the redirect URI's own query component MUST be retained. */
    public static URI withQuery(URI base, Map<String, String> params) {
        StringBuilder uri = new StringBuilder(base.toString());
        char separator = base.getRawQuery() == null ? '?' : '&';
        for (Map.Entry<String, String> entry : params.entrySet()) {
            uri.append(separator)
                    .append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return URI.create(uri.toString());
    }

    private static void putIfPresent(Map<String, String> params, String name, String value) {
        if (value != null && !value.isEmpty()) {
            params.put(name, value);
        }
    }
}
