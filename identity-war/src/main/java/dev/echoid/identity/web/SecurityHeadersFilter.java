package dev.echoid.identity.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers every response of the provider carries: no framing, no sniffing, no referrer, no inline script. Mapped first
 * in {@code web.xml} (requests, forwards and error pages), so the protocol endpoints' answers carry them too.
 */
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    // no form-action: browsers apply it to the redirect that follows the login POST, which goes to the client

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (request.getRequestURI().endsWith(".xhtml")) {
            // the login page holds a form bound to this session: never cache it
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }
}
