package dev.echoid.identity.web;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.config.SettingsSource;
import dev.echoid.identity.config.TrustedProxies;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Outside dev mode the provider speaks only over TLS. A plain-HTTP GET or HEAD without credentials is sent to the same
 * address under the https issuer ({@code 301}); anything else is refused with {@code 403} and never processed.
 * The health probes are the exception: they answer over plain HTTP too ({@link TransportSecurity#isHealthProbe}).
 * Responses over TLS carry {@code Strict-Transport-Security}. Mapped ahead of the protocol endpoints in
 * {@code web.xml}; in dev mode it does nothing.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2: the token endpoint MUST use TLS</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6797">RFC 6797 (HSTS)</a>
 */
public class TransportSecurityFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";
    static final String HTTPS_REQUIRED = "{\"error\":\"invalid_request\",\"error_description\":\"HTTPS is required\"}";

    private transient TransportSecurity transport;
    private transient TrustedProxies trustedProxies = TrustedProxies.none();

    /** The settings from the same sources as the provider's (which refuses to start on a bad one). */
    @Override
    public void init() {
        IdentitySettings settings = IdentitySettings.from(
                SettingsSource.standard(getServletContext()::getInitParameter));
        transport = settings.devMode() ? null : new TransportSecurity(settings.issuer(), settings.trustedProxies());
        trustedProxies = settings.trustedProxies();
    }

    /** For tests: the filter with its settings given rather than read from the running provider. */
    static TransportSecurityFilter of(TransportSecurity transport) {
        return of(transport, TrustedProxies.none());
    }

    /** For tests: with the proxies whose {@code X-Forwarded-For} is believed (dev mode when transport is null). */
    static TransportSecurityFilter of(TransportSecurity transport, TrustedProxies trustedProxies) {
        TransportSecurityFilter filter = new TransportSecurityFilter();
        filter.transport = transport;
        filter.trustedProxies = trustedProxies;
        return filter;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // code below sees the client's address (X-Forwarded-For through trusted proxies only), dev mode included
        HttpServletRequest client = ForwardedClient.of(request, trustedProxies);
        if (transport == null) {
            chain.doFilter(client, response);
            return;
        }
        if (transport.arrivedOverTls(request)) {
            response.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
            chain.doFilter(TransportSecurity.asSecure(client), response);
        } else if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(client, response); // an error page or forward of a request already let through
        } else if (TransportSecurity.isHealthProbe(request)) {
            chain.doFilter(client, response); // an orchestrator's probe: see TransportSecurity.isHealthProbe
        } else if (TransportSecurity.mayRedirect(request)) {
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            response.setHeader("Location", transport.httpsLocation(request));
            response.setHeader("Cache-Control", "no-store");
        } else {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(HTTPS_REQUIRED);
        }
    }
}
