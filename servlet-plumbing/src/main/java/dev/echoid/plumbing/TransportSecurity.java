package dev.echoid.plumbing;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Whether a request reached the web application over TLS, and where its https twin lives. Only configuration (the
 * provider's issuer, the gateway's redirect URI) names the host of that address: a {@code Host} header is the client's
 * to choose and must not pick a redirect target.
 */
public final class TransportSecurity {

    static final String FORWARDED_PROTO = "X-Forwarded-Proto";
    private static final List<String> HEALTH_PROBES = List.of("/health/live", "/health/ready");

    private final String publicBase;
    private final TrustedProxies trustedProxies;

    /**
     * @param contextRoot    the https URL this web application is reached at (the provider's issuer)
     * @param trustedProxies the proxies whose {@value #FORWARDED_PROTO} header is believed
     */
    public TransportSecurity(URI contextRoot, TrustedProxies trustedProxies) {
        this.publicBase = contextRoot.toString();
        this.trustedProxies = trustedProxies;
    }

    /**
     * The rules for an application whose configuration names one of its URLs ({@code site}, e.g. the gateway's
     * registered redirect URI) rather than its context root: the https twin is on that URL's host and port, under
     * {@code contextPath}.
     */
    public static TransportSecurity onHostOf(URI site, String contextPath, TrustedProxies trustedProxies) {
        return new TransportSecurity(URI.create("https://" + site.getHost()
                + (site.getPort() == -1 ? "" : ":" + site.getPort()) + contextPath), trustedProxies);
    }

    /** TLS ended at this container, or at a trusted proxy that says so. */
    public boolean arrivedOverTls(HttpServletRequest request) {
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
    public static boolean isHealthProbe(HttpServletRequest request) {
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
     * is refused, so that a password, code or token (a back-channel logout token, an API call) sent in the clear is
     * never acted on.
     */
    public static boolean mayRedirect(HttpServletRequest request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && request.getHeader("Authorization") == null;
    }

    /**
     * The same path and query under the public base: {@code https://issuer-host/identity/login.xhtml?request=...}
     * (the path within the application, so the context path once, as the base has it).
     */
    public String httpsLocation(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : "/";
        String query = request.getQueryString();
        return publicBase + path + (query == null ? "" : "?" + query);
    }

    /** The request as code below sees it once TLS is established: secure, scheme https. */
    public static HttpServletRequest asSecure(HttpServletRequest request) {
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
