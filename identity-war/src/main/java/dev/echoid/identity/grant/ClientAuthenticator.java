package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.ClientAuthentication;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Clients;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Client authentication at the token endpoint: {@code client_secret_basic}, {@code client_secret_post}, and
 * {@code none} for public clients (which then must prove PKCE). Secrets are checked as HMACs, in microseconds; a secret
 * still stored as Argon2id (an earlier version's) is checked within the hashing budget once, then rewritten.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
public final class ClientAuthenticator {

    private static final Logger LOG = System.getLogger(ClientAuthenticator.class.getName());

    private final Clients clients;
    private final ClientSecretHasher secrets;
    private final AuditLog audit;

    public ClientAuthenticator(Clients clients, ClientSecretHasher secrets, AuditLog audit) {
        this.clients = clients;
        this.secrets = secrets;
        this.audit = audit;
    }

    /**
     * The client the request authenticates as, or {@code invalid_client} (recorded in the audit trail).
     *
     * @param credentials as parsed from the request; empty when it names no client
     */
    public Client authenticate(Optional<ClientAuthentication> credentials, String remoteAddress) {
        String clientId = credentials.map(ClientAuthentication::clientId)
                .orElseThrow(() -> failed(null, remoteAddress, "no client credentials"));
        Optional<String> secret = credentials.get().secret();
        Client client = clients.find(clientId).filter(Client::enabled).orElse(null);
        if (client == null) {
            secrets.verifyDummy(secret.orElse(""));
            throw failed(clientId, remoteAddress, "unknown or disabled client");
        }
        if (client.isPublic()) {
            if (secret.isPresent()) {
                throw failed(clientId, remoteAddress, "public client sent a secret");
            }
            return client;
        }
        if (secret.isEmpty()) {
            throw failed(clientId, remoteAddress, "no secret");
        }
        // HashingBudget.Exhausted (a legacy hash, no room in the budget) becomes 503 + Retry-After, not a failure
        ClientSecretHasher.Verification verification = secrets.verify(secret.get(), client.secretHash());
        if (!verification.matches()) {
            throw failed(clientId, remoteAddress, "wrong secret");
        }
        if (verification == ClientSecretHasher.Verification.MATCH_REWRITE) {
            rewrite(client, secret.get(), remoteAddress);
        }
        return client;
    }

    /** Replaces a legacy Argon2id secret hash by the HMAC; only if the row still has it (another node may race). */
    private void rewrite(Client client, String secret, String remoteAddress) {
        boolean replaced;
        try {
            replaced = clients.replaceSecretHash(client.clientId(), client.secretHash(), secrets.hash(secret));
        } catch (RuntimeException e) {
            // the client proved its secret: the request stands, the next use tries again
            LOG.log(Level.WARNING, "Client " + client.clientId() + ": secret hash not rewritten: " + e.getMessage());
            return;
        }
        if (replaced) {
            LOG.log(Level.INFO, "Client {0}: secret hash rewritten from Argon2id to HMAC-SHA-256", client.clientId());
            audit.record(AuditEvent.success(AuditEvent.Type.CLIENT_SECRET_REHASHED, client.clientId(), null, null,
                    remoteAddress, "Argon2id secret hash rewritten as HMAC-SHA-256"));
        }
    }

    private OAuthException failed(String clientId, String remoteAddress, String why) {
        audit.record(AuditEvent.failure(AuditEvent.Type.CLIENT_AUTHENTICATION_FAILED, clientId, null, null,
                remoteAddress, why));
        return new OAuthException(OAuthError.INVALID_CLIENT, "Client authentication failed");
    }
}
