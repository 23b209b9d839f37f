package dev.echoid.echo.web;

import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.echo.oidc.RelyingParty;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Outside dev mode the gateway speaks only over TLS. A plain-HTTP GET or HEAD without credentials is sent to the same
 * address on the https origin of {@code ECHO_REDIRECT_URI} ({@code 301}); anything else is refused with {@code 403}
 * and never processed; the health probes answer over plain HTTP too ({@link TransportSecurity#isHealthProbe}).
 * Responses over TLS carry {@code Strict-Transport-Security}. In dev mode it does nothing; while
 * the gateway is not configured {@link OidcSessionFilter} answers every request with 503 anyway.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6797">RFC 6797 (HSTS)</a>
 */
public final class TransportSecurityFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

    private transient TransportSecurity transport;
    private transient volatile boolean resolved;

    /** For tests: the filter with its settings given rather than read from the running gateway. */
    static TransportSecurityFilter of(TransportSecurity transport) {
        TransportSecurityFilter filter = new TransportSecurityFilter();
        filter.transport = transport;
        filter.resolved = true;
        return filter;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        TransportSecurity transport = transport();
        if (transport == null) {
            chain.doFilter(request, response);
            return;
        }
        if (transport.arrivedOverTls(request)) {
            response.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
            chain.doFilter(TransportSecurity.asSecure(request), response);
        } else if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response); // an error page or forward of a request already let through
        } else if (TransportSecurity.isHealthProbe(request)) {
            chain.doFilter(request, response); // an orchestrator's probe: see TransportSecurity.isHealthProbe
        } else if (TransportSecurity.mayRedirect(request)) {
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            response.setHeader("Location", transport.httpsLocation(request));
            response.setHeader("Cache-Control", "no-store");
        } else {
            Responses.json(response, HttpServletResponse.SC_FORBIDDEN,
                    Map.of("error", "invalid_request", "error_description", "HTTPS is required"));
        }
    }

    /** Null in dev mode or while the gateway is not configured. */
    private TransportSecurity transport() {
        if (!resolved) {
            Object relyingParty = getServletContext().getAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
            if (!(relyingParty instanceof RelyingParty)) {
                return null;
            }
            GatewaySettings settings = ((RelyingParty) relyingParty).settings();
            transport = settings.devMode() ? null
                    : new TransportSecurity(settings.redirectUri(), settings.trustedProxies());
            resolved = true;
        }
        return transport;
    }
}
