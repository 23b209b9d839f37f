package dev.echoid.echo.web;

import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.plumbing.TransportSecurity;
import dev.echoid.plumbing.TransportSecurityFilter;
import dev.echoid.plumbing.TrustedProxies;

/**
 * The gateway's {@link TransportSecurityFilter}: outside dev mode TLS only, a plain-HTTP GET or HEAD without
 * credentials sent to the same address on the https origin of {@code ECHO_REDIRECT_URI} ({@code 301}), anything else
 * refused with {@code 403}; the client's address through {@code ECHO_TRUSTED_PROXIES}. In dev mode it only names the
 * client; while the gateway is not configured {@link OidcSessionFilter} answers every request with 503 anyway.
 */
public final class GatewayTransportSecurityFilter extends TransportSecurityFilter {

    private static final long serialVersionUID = 1L;

    private transient TransportSecurity transport;
    private transient TrustedProxies trustedProxies = TrustedProxies.none();
    private transient volatile boolean resolved;

    @Override
    protected TransportSecurity transport() {
        resolve();
        return transport;
    }

    @Override
    protected TrustedProxies trustedProxies() {
        resolve();
        return trustedProxies;
    }

    /** Reads the settings once the gateway is configured; until then dev mode's pass-through (the 503 follows). */
    private void resolve() {
        if (resolved) {
            return;
        }
        Object relyingParty = getServletContext().getAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
        if (!(relyingParty instanceof RelyingParty)) {
            return;
        }
        GatewaySettings settings = ((RelyingParty) relyingParty).settings();
        transport = settings.devMode() ? null : TransportSecurity.onHostOf(settings.redirectUri(),
                getServletContext().getContextPath(), settings.trustedProxies());
        trustedProxies = settings.trustedProxies();
        resolved = true;
    }
}
