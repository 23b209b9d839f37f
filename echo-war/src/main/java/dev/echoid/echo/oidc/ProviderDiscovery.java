package dev.echoid.echo.oidc;

import java.net.URI;

/**
 * Finds the provider's metadata from the issuer alone. Fetched on first need rather than at deploy time (the
 * provider may start after the gateway); cached once it succeeds, tried again on a later call while it fails.
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig">OpenID Connect
 *         Discovery 1.0 §4</a>
 */
public final class ProviderDiscovery {

    private static final System.Logger LOG = System.getLogger(ProviderDiscovery.class.getName());

    private final String issuer;
    private final JsonFetcher fetcher;
    private volatile ProviderMetadata cached;

    public ProviderDiscovery(String issuer, JsonFetcher fetcher) {
        this.issuer = issuer;
        this.fetcher = fetcher;
    }

    /** @throws ProviderException when the document cannot be fetched or names another issuer */
    public ProviderMetadata metadata() {
        ProviderMetadata metadata = cached;
        if (metadata != null) {
            return metadata;
        }
        synchronized (this) {
            if (cached == null) {
                URI uri = ProviderMetadata.discoveryUri(issuer);
                cached = ProviderMetadata.parse(fetcher.fetch(uri), issuer);
                LOG.log(System.Logger.Level.INFO, "Discovered OpenID Provider {0} from {1}", issuer, uri);
            }
            return cached;
        }
    }
}
