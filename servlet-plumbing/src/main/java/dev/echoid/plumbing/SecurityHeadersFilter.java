package dev.echoid.plumbing;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers every response carries: no framing, no sniffing, no referrer, the application's Content-Security-Policy
 * (no inline script). Mapped first in {@code web.xml} (requests, forwards and error pages) through each WAR's
 * subclass, which names its policy and what must never be cached, so every answer carries them too.
 */
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private final String contentSecurityPolicy;

    protected SecurityHeadersFilter(String contentSecurityPolicy) {
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /** The headers of every response; a page with a policy of its own sets them again with it. */
    public static void protectiveHeaders(HttpServletResponse response, String contentSecurityPolicy) {
        response.setHeader("Content-Security-Policy", contentSecurityPolicy);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    /** {@code Cache-Control: no-store} (and HTTP/1.0's {@code Pragma: no-cache}): never kept by any cache. */
    public static void noStore(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
    }

    /** Whether the answer to {@code request} must never be cached, whatever the code below sets. */
    protected boolean neverCached(HttpServletRequest request) {
        return false;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        protectiveHeaders(response, contentSecurityPolicy);
        if (neverCached(request)) {
            noStore(response);
        }
        chain.doFilter(request, response);
    }
}
