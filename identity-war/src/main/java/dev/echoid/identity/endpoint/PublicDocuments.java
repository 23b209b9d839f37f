package dev.echoid.identity.endpoint;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.token.SigningKeys;
import jakarta.servlet.ServletContext;
import java.util.Map;

/**
 * The provider's two public documents, the provider metadata and the JWK Set, rendered once rather than per request:
 * the metadata depends on the settings alone, the JWK Set on the published keys, and it is rendered again when they
 * change (a rotation, a key retired, a reload that found another node's key).
 */
final class PublicDocuments {

    private static final String ATTRIBUTE = PublicDocuments.class.getName();

    private final JsonDocument discovery;
    private final SigningKeys signingKeys;
    private volatile JsonDocument jwks;

    private PublicDocuments(IdentityProvider provider) {
        this.discovery = JsonDocument.of(DiscoveryEndpoint.metadata(provider));
        this.signingKeys = provider.signingKeys();
    }

    /** The documents of the provider running in {@code context}. */
    static PublicDocuments from(ServletContext context) {
        Object documents = context.getAttribute(ATTRIBUTE);
        if (documents == null) {
            // two threads may both render here: the same documents, and either one is kept
            documents = new PublicDocuments(IdentityProvider.from(context));
            context.setAttribute(ATTRIBUTE, documents);
        }
        return (PublicDocuments) documents;
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
