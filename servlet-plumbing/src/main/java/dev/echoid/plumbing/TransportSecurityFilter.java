package dev.echoid.plumbing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Outside dev mode the application speaks only over TLS. A plain-HTTP GET or HEAD without credentials is sent to the
 * same address under the configured https base ({@code 301}); anything else is refused with {@code 403} and never
 * processed. The health probes are the exception: they answer over plain HTTP too
 * ({@link TransportSecurity#isHealthProbe}). Responses over TLS carry {@code Strict-Transport-Security}. Code below
 * sees the client's address ({@link ForwardedClient}). Mapped ahead of the application in {@code web.xml} through a
 * subclass of each WAR that says where its settings come from; in dev mode it only names the client.
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

    /** For tests: the filter with its settings given rather than read from the running application. */
    public static TransportSecurityFilter of(TransportSecurity transport) {
        return of(transport, TrustedProxies.none());
    }

    /** For tests: with the proxies whose {@code X-Forwarded-For} is believed (dev mode when transport is null). */
    public static TransportSecurityFilter of(TransportSecurity transport, TrustedProxies trustedProxies) {
        TransportSecurityFilter filter = new TransportSecurityFilter();
        filter.configure(transport, trustedProxies);
        return filter;
    }

    /** The rules in force: {@code transport} null in dev mode. A WAR's subclass calls it from {@code init()}. */
    protected final void configure(TransportSecurity transport, TrustedProxies trustedProxies) {
        this.transport = transport;
        this.trustedProxies = trustedProxies;
    }

    /** The rules for this request; a subclass whose settings are known only after start-up overrides it. */
    protected TransportSecurity transport() {
        return transport;
    }

    /** The proxies whose {@code X-Forwarded-For} is believed for this request. */
    protected TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // code below sees the client's address (X-Forwarded-For through trusted proxies only), dev mode included
        HttpServletRequest client = ForwardedClient.of(request, trustedProxies());
        TransportSecurity transport = transport();
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
