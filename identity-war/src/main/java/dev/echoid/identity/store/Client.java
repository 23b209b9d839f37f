package dev.echoid.identity.store;

import java.net.URI;
import java.util.List;

/**
 * A registered client (relying party).
 *
 * @param secretHash the Argon2id hash of the client secret; null for a public client, which authenticates with
 *                   PKCE alone ({@code token_endpoint_auth_method=none})
 */
public record Client(String clientId, String name, String secretHash, List<URI> redirectUris, boolean enabled) {

    public Client {
        redirectUris = List.copyOf(redirectUris);
    }

    public boolean isPublic() {
        return secretHash == null;
    }
}
