package dev.echoid.identity.web;

import dev.echoid.plumbing.SecurityHeadersFilter;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The provider's {@link SecurityHeadersFilter}: its pages' policy, and the login pages never cached. Mapped first in
 * {@code web.xml} (requests, forwards and error pages), so the protocol endpoints' answers carry the headers too.
 */
public class ProviderSecurityHeadersFilter extends SecurityHeadersFilter {

    private static final long serialVersionUID = 1L;

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    // no form-action: browsers apply it to the redirect that follows the login POST, which goes to the client

    public ProviderSecurityHeadersFilter() {
        super(CONTENT_SECURITY_POLICY);
    }

    @Override
    protected boolean neverCached(HttpServletRequest request) {
        // the login page holds a form bound to this session: never cache it
        return request.getRequestURI().endsWith(".xhtml");
    }
}
