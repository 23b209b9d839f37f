package dev.echoid.identity.endpoint;

import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.Client;

/** Client authentication for the endpoints beside /token that only confidential clients may call. */
final class ConfidentialClients {

    private ConfidentialClients() {
    }

    static Client authenticate(ClientAuthenticator clientAuthenticator, String authorization,
            Parameters params, String remoteAddress) {
        Client client = clientAuthenticator.authenticate(authorization, params, remoteAddress);
        if (client.isPublic()) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "Client authentication required");
        }
        return client;
    }
}
