package dev.echoid.identity.endpoint;

import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.ClientAuthentication;
import dev.echoid.identity.store.Client;
import java.util.Optional;

/** Client authentication for the endpoints beside /token that only confidential clients may call. */
final class ConfidentialClients {

    private ConfidentialClients() {
    }

    static Client authenticate(ClientAuthenticator clientAuthenticator, Optional<ClientAuthentication> credentials,
            String remoteAddress) {
        Client client = clientAuthenticator.authenticate(credentials, remoteAddress);
        if (client.isPublic()) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "Client authentication required");
        }
        return client;
    }
}
