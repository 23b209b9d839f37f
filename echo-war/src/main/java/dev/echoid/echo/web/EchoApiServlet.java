package dev.echoid.echo.web;

import dev.echoid.echo.oidc.VerifiedIdentity;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /api/echo} and {@code /api/echo/*}: answers with the request it received and the signed-in identity.
 * Credentials ({@code Cookie}, {@code Authorization}, {@code Proxy-Authorization}) are never echoed.
 */
public final class EchoApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
    private static final Set<String> HIDDEN_HEADERS = Set.of("cookie", "authorization", "proxy-authorization");

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!METHODS.contains(request.getMethod())) {
            response.setHeader("Allow", String.join(", ", new java.util.TreeSet<>(METHODS)));
            Responses.json(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    Map.of("error", "method_not_allowed", "error_description", "Use GET, POST, PUT, DELETE or PATCH."));
            return;
        }
        long declared = request.getContentLengthLong();
        String body = declared > MAX_BODY_BYTES ? null : readBody(request.getInputStream());
        if (body == null) {
            Responses.json(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, Map.of("error", "payload_too_large",
                    "error_description", "The body may be at most " + MAX_BODY_BYTES + " bytes."));
            return;
        }
        VerifiedIdentity identity = (VerifiedIdentity) request.getAttribute(VerifiedIdentity.REQUEST_ATTRIBUTE);
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("method", request.getMethod());
        echo.put("path", request.getRequestURI());
        echo.put("query", request.getQueryString() == null ? "" : request.getQueryString());
        echo.put("headers", headers(request));
        echo.put("body", body);
        echo.put("identity", identity(identity));
        Responses.json(response, HttpServletResponse.SC_OK, echo);
    }

    /** Reads at most {@link #MAX_BODY_BYTES} as UTF-8; null when the body is larger. */
    private static String readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) != -1) {
            out.write(buffer, 0, read);
            if (out.size() > MAX_BODY_BYTES) {
                return null;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new TreeMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HIDDEN_HEADERS.contains(lower)) {
                headers.put(lower, String.join(", ", Collections.list(request.getHeaders(name))));
            }
        }
        return headers;
    }

    private static Map<String, Object> identity(VerifiedIdentity identity) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sub", identity.subject());
        json.put("name", identity.name());
        json.put("preferred_username", identity.preferredUsername());
        json.put("email", identity.email());
        json.put("iss", identity.issuer());
        json.put("exp", identity.expiresAt().getEpochSecond());
        return json;
    }
}
