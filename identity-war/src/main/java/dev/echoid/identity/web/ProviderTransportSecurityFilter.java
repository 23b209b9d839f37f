package dev.echoid.identity.web;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.plumbing.TransportSecurity;
import dev.echoid.plumbing.TransportSecurityFilter;

/**
 * The provider's {@link TransportSecurityFilter}: TLS only outside dev mode, redirects under the issuer, the client's
 * address through {@code IDENTITY_TRUSTED_PROXIES}. Mapped ahead of the protocol endpoints in {@code web.xml}.
 */
public class ProviderTransportSecurityFilter extends TransportSecurityFilter {

    private static final long serialVersionUID = 1L;

    /** The settings from the same sources as the provider's (which refuses to start on a bad one). */
    @Override
    public void init() {
        IdentitySettings settings = IdentitySettings.from(
                SettingsSource.standard(getServletContext()::getInitParameter));
        configure(settings.devMode() ? null : new TransportSecurity(settings.issuer(), settings.trustedProxies()),
                settings.trustedProxies());
    }
}
