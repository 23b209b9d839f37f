package dev.echoid.echo.web;

import dev.echoid.echo.config.TrustedProxies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Whether a request reached the gateway over TLS, and where its https twin lives. Only the configured redirect URI
 * names the host of that address: a {@code Host} header is the client's to choose and must not pick a redirect target.
 */
final class TransportSecurity {

    static final String FORWARDED_PROTO = "X-Forwarded-Proto";
    private static final List<String> HEALTH_PROBES = List.of("/health/live", "/health/ready");

    private final String httpsOrigin;
    private final TrustedProxies trustedProxies;

    /**
     * @param redirectUri    the gateway's {@code /callback} as registered; its host and port are the gateway's
     * @param trustedProxies the proxies whose {@value #FORWARDED_PROTO} header is believed
     */
    TransportSecurity(URI redirectUri, TrustedProxies trustedProxies) {
        this.httpsOrigin = "https://" + redirectUri.getHost()
                + (redirectUri.getPort() == -1 ? "" : ":" + redirectUri.getPort());
        this.trustedProxies = trustedProxies;
    }

    /** TLS ended at this container, or at a trusted proxy that says so. */
    boolean arrivedOverTls(HttpServletRequest request) {
        if (request.isSecure()) {
            return true;
        }
        if (!trustedProxies.contains(request.getRemoteAddr())) {
            return false; // anyone else's X-Forwarded-Proto is ignored
        }
        List<String> values = Collections.list(request.getHeaders(FORWARDED_PROTO));
        if (values.isEmpty()) {
            return false;
        }
        // proxies append: the last entry is the one our trusted proxy added, the earlier ones the client could forge
        String[] hops = values.get(values.size() - 1).split(",");
        return "https".equals(hops[hops.length - 1].trim().toLowerCase(Locale.ROOT));
    }

    /**
     * GET or HEAD of {@code /health/live} or {@code /health/ready}: answered over plain HTTP too, without a redirect.
     * An orchestrator probes each node directly, usually without TLS, and a Kubernetes {@code httpGet} probe counts
     * a {@code 301} as success, so a redirected readiness probe would report "ready" whatever the checks say. The
     * probes take no input and their answers hold no credentials and no personal data.
     */
    static boolean isHealthProbe(HttpServletRequest request) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        // the container's decoded, normalised path within the application (no ;parameters, no "..")
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return HEALTH_PROBES.contains(path);
    }

    /**
     * A plain-HTTP request that may simply be sent to https: a GET or HEAD that carries no credentials. Anything else
     * (a back-channel logout token, an API call) is refused so that nothing sent in the clear is acted on.
     */
    static boolean mayRedirect(HttpServletRequest request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && request.getHeader("Authorization") == null;
    }

    /** The same path (context path included) and query on the gateway's https origin. */
    String httpsLocation(HttpServletRequest request) {
        String query = request.getQueryString();
        return httpsOrigin + request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    /** The request as code below sees it once TLS is established: secure, scheme https. */
    static HttpServletRequest asSecure(HttpServletRequest request) {
        if (request.isSecure()) {
            return request;
        }
        return new HttpServletRequestWrapper(request) {
            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String getScheme() {
                return "https";
            }
        };
    }
}
