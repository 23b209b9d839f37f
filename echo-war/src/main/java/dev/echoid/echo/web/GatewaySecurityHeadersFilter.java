package dev.echoid.echo.web;

import dev.echoid.plumbing.SecurityHeadersFilter;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The protective headers of {@link Responses} on every response of the gateway, set before anything else runs, so
 * redirects, error pages and anything the container writes itself carry them too. Mapped first in {@code web.xml}.
 */
public final class GatewaySecurityHeadersFilter extends SecurityHeadersFilter {

    private static final long serialVersionUID = 1L;

    public GatewaySecurityHeadersFilter() {
        super(Responses.CONTENT_SECURITY_POLICY);
    }

    @Override
    protected boolean neverCached(HttpServletRequest request) {
        return true; // every answer of the gateway is per user: its echo, its session, its errors
    }
}
