package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.grant.GrantHandlers;
import dev.echoid.identity.token.SigningKeys;
import java.util.Map;

/**
 * The provider's two public documents, the provider metadata and the JWK Set, rendered once rather than per request:
 * the metadata depends on the settings alone, the JWK Set on the published keys, and it is rendered again when they
 * change (a rotation, a key retired, a reload that found another node's key).
 */
public final class PublicDocuments {

    private final JsonDocument discovery;
    private final SigningKeys signingKeys;
    private volatile JsonDocument jwks;

    public PublicDocuments(IdentitySettings settings, GrantHandlers grantHandlers, SigningKeys signingKeys) {
        this.discovery = JsonDocument.of(DiscoveryEndpoint.metadata(settings, grantHandlers, signingKeys));
        this.signingKeys = signingKeys;
    }

    JsonDocument discovery() {
        return discovery;
    }

    JsonDocument jwks() {
        Map<String, Object> keys = signingKeys.jwks();
        JsonDocument rendered = jwks;
        if (rendered == null || rendered.source() != keys) {
            rendered = JsonDocument.of(keys);
            jwks = rendered;
        }
        return rendered;
    }
}
