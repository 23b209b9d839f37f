package dev.echoid.echo.web;

import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.VerifiedIdentity;
import dev.echoid.plumbing.AccessLogLine;
import dev.echoid.plumbing.ForwardedClient;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.plumbing.TrustedProxies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

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
        try {
            format = LogFormat.from(SettingsSource.standard(getServletContext()::getInitParameter),
                    GatewaySettings.LOG_FORMAT);
        } catch (InvalidSettingException e) {
            // the access log must not stop with a typo; the gateway's start-up refuses it and answers 503
            LOG.log(System.Logger.Level.ERROR, e.getMessage() + "; writing text");
            format = LogFormat.TEXT;
        }
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
        return ForwardedClient.address(request, proxies);
    }

    static String loginId(ServletRequest request) {
        if (request.getAttribute(VerifiedIdentity.REQUEST_ATTRIBUTE) instanceof VerifiedIdentity identity
                && identity.loginId() != null) {
            return identity.loginId();
        }
        return request.getAttribute(LOGIN_ID_ATTRIBUTE) instanceof String loginId ? loginId : null;
    }
}
