package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationGrant.ClientCredentials;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The client credentials grant: a confidential client gets an access token for itself. No ID token and no refresh
 * token (RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included").
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4</a>
 */
public final class ClientCredentialsGrant implements GrantHandler<ClientCredentials> {

    private final Transactions transactions;
    private final TokenResponseIssuer responses;
    private final AuditLog audit;
    private final Duration accessTokenTtl;
    private final Clock clock;

    public ClientCredentialsGrant(Transactions transactions, TokenResponseIssuer responses,
            AuditLog audit, Duration accessTokenTtl, Clock clock) {
        this.transactions = transactions;
        this.responses = responses;
        this.audit = audit;
        this.accessTokenTtl = accessTokenTtl;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return Client.CLIENT_CREDENTIALS;
    }

    @Override
    public Class<ClientCredentials> grantClass() {
        return ClientCredentials.class;
    }

    @Override
    public Map<String, Object> handle(ClientCredentials request, Client client, TokenRequester requester) {
        // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
        if (client.isPublic()) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT,
                    "Public clients cannot use the client_credentials grant");
        }
        if (request.scope().isPresent()) {
            // the user scopes (openid, profile, ...) mean nothing without a user; no API scopes are defined yet
            throw new OAuthException(OAuthError.INVALID_SCOPE, "No scopes are available to client_credentials");
        }
        Instant now = clock.instant();
        Grant grant = new Grant(UUID.randomUUID(), client.clientId(), null, null, "", null, now,
                now.plus(accessTokenTtl), null);
        // the grant, its token record and its audit row commit together
        Map<String, Object> response = transactions.inTransaction(tx -> {
            Map<String, Object> issued = responses.issueForNewGrant(tx, grant, client, null, Scope.of(), null,
                    List.of());
            audit.record(tx, AuditEvent.success(AuditEvent.Type.CLIENT_CREDENTIALS_ISSUED, client.clientId(), null,
                    null, requester.remoteAddress(), null));
            return issued;
        });
        response.remove("scope");
        return response;
    }
}
