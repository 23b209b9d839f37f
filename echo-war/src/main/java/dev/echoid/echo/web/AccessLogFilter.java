package dev.echoid.echo.web;

import dev.echoid.echo.config.ContainerSettingSources;
import dev.echoid.echo.config.LogFormat;
import dev.echoid.echo.config.TrustedProxies;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.VerifiedIdentity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;

/**
 * One line per request (logger {@code dev.echoid.echo.access}), written after the request completed: method, path
 * (no query string), status, duration, the client's address ({@code X-Forwarded-For} only through a trusted proxy,
 * {@code ECHO_TRUSTED_PROXIES}) and the login id of the verified identity, when there is
 * one (the session guard's, or the one the callback just signed in).
 */
public final class AccessLogFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger("dev.echoid.echo.access");
    /** Set by code that learns the login id without the session guard (the callback, logout). */
    static final String LOGIN_ID_ATTRIBUTE = AccessLogFilter.class.getName() + ".loginId";

    private transient LogFormat format;

    @Override
    public void init() {
        format = LogFormat.from(ContainerSettingSources.standard(getServletContext())).orElseGet(() -> {
            // the access log must not stop with a typo; everything else keeps working
            LOG.log(System.Logger.Level.ERROR, LogFormat.SETTING + " must be text or json; writing text");
            return LogFormat.TEXT;
        });
        GatewayAudit.useFormat(format);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            // an exception leaving the chain becomes the container's 500
            int status = failed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : response.getStatus();
            AccessLogLine line = new AccessLogLine(request.getMethod(), AccessLogLine.pathOf(request), status,
                    (System.nanoTime() - start) / 1_000_000, clientAddress(request), loginId(request));
            LOG.log(System.Logger.Level.INFO, line.render(format));
        }
    }

    /** The client's address as Tomcat's RemoteIpValve finds it, through the configured trusted proxies only. */
    private String clientAddress(HttpServletRequest request) {
        Object relyingParty = getServletContext().getAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
        TrustedProxies proxies = relyingParty instanceof RelyingParty configured
                ? configured.settings().trustedProxies() : TrustedProxies.none();
        return proxies.clientAddress(request.getRemoteAddr(),
                Collections.list(request.getHeaders("X-Forwarded-For")));
    }

    static String loginId(ServletRequest request) {
        if (request.getAttribute(VerifiedIdentity.REQUEST_ATTRIBUTE) instanceof VerifiedIdentity identity
                && identity.loginId() != null) {
            return identity.loginId();
        }
        return request.getAttribute(LOGIN_ID_ATTRIBUTE) instanceof String loginId ? loginId : null;
    }
}
