package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Hashes;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.store.RefreshTokens.StoredRefreshToken;
import dev.echoid.identity.store.Transactions;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The refresh token grant. Refresh tokens are rotated on every use; presenting one that was already used means it
 * leaked, and the whole grant is revoked.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-6">RFC 6749 §6</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2">RFC 9700 §4.14.2</a>
 */
public final class RefreshTokenGrant implements GrantHandler<RefreshToken> {

    private final Transactions transactions;
    private final RefreshTokens refreshTokens;
    private final Grants grants;
    private final Users users;
    private final TokenResponseIssuer responses;
    private final AuditLog audit;
    private final Clock clock;

    public RefreshTokenGrant(Transactions transactions, RefreshTokens refreshTokens, Grants grants, Users users,
            TokenResponseIssuer responses, AuditLog audit, Clock clock) {
        this.transactions = transactions;
        this.refreshTokens = refreshTokens;
        this.grants = grants;
        this.users = users;
        this.responses = responses;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return Client.REFRESH_TOKEN;
    }

    @Override
    public Class<RefreshToken> grantClass() {
        return RefreshToken.class;
    }

    /**
     * Validates everything first (client, expiry, grant, scope, user); only then, in one transaction, marks the token
     * used and issues its successor, so that a refused request (an {@code invalid_scope}) or a failure while issuing
     * (the transaction rolls back) leaves the token as it was, and the client's retry is not taken for reuse.
     */
    @Override
    public Map<String, Object> handle(RefreshToken request, Client client, String remoteAddress) {
        String hash = Hashes.sha256Base64Url(request.refreshToken());
        Instant now = clock.instant();

        RefreshTokens.WithGrant found = refreshTokens.findWithGrant(hash, grants)
                .orElseThrow(RefreshTokenGrant::invalid);
        StoredRefreshToken stored = found.token();
        Grant grant = found.grant();
        // RFC 6749 §6: "validate the refresh token and ensure that it was issued to the authenticated client"
        if (!grant.clientId().equals(client.clientId())) {
            audit(client, remoteAddress, grant, "refresh token of another client");
            throw invalid();
        }
        if (!grant.isActive(now) || stored.expiresAt().isBefore(now)) {
            audit(client, remoteAddress, grant,
                    grant.revokedAt() != null ? "grant revoked" : "refresh token expired");
            throw invalid();
        }
        if (stored.rotatedAt() == null) {
            Scope granted = Scope.parse(grant.scope());
            // a repeated or malformed scope parameter is answered here, after the checks of the token
            Scope scope = request.scope().orElse(granted);
            // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted
            if (!granted.values().containsAll(scope.values())) {
                throw new OAuthException(OAuthError.INVALID_SCOPE, "The scope exceeds what was originally granted");
            }
            User user = users.find(grant.userId()).filter(User::enabled).orElseThrow(() -> {
                grants.revoke(grant.id(), "user gone or disabled");
                return invalid();
            });
            List<String> amr = responses.amr(grant);
            // one connection: the rotation, the new tokens and the audit row commit together, or none does
            Map<String, Object> response = transactions.inTransaction(tx -> refreshTokens.rotate(tx, hash)
                    .map(used -> {
                        Map<String, Object> issued = responses.issue(tx, grant, client, user, scope, null, amr);
                        audit.record(tx, AuditEvent.success(AuditEvent.Type.TOKEN_REFRESHED, client.clientId(),
                                user.id(), user.username(), remoteAddress, "grant " + grant.id())
                                .withLoginId(grant.loginId()));
                        return issued;
                    })
                    .orElse(null));
            if (response != null) {
                return response;
            }
            // another request with this token committed its rotation first: this one is the reuse
        }
        // RFC 9700 §4.14.2: a rotated refresh token used again: revoke the grant and all its tokens
        grants.revoke(grant.id(), "refresh token reused");
        audit.record(AuditEvent.failure(AuditEvent.Type.REFRESH_TOKEN_REUSED, client.clientId(), grant.userId(),
                null, remoteAddress, "grant " + grant.id() + " revoked").withLoginId(grant.loginId()));
        throw invalid();
    }

    private void audit(Client client, String remoteAddress, Grant grant, String why) {
        audit.record(AuditEvent.failure(AuditEvent.Type.TOKEN_REQUEST_FAILED, client.clientId(),
                grant.userId(), null, remoteAddress, why).withLoginId(grant.loginId()));
    }

    private static OAuthException invalid() {
        return OAuthException.invalidGrant("The refresh token is invalid, expired or revoked");
    }
}
