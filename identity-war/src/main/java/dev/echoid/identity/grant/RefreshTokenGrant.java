package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.store.RefreshTokens.StoredRefreshToken;
import dev.echoid.identity.store.Transactions;
import dev.echoid.identity.store.User;
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
    private final TokenResponseIssuer responses;
    private final AuditLog audit;
    private final Clock clock;
    private final RefreshTokenLookup lookup;

    public RefreshTokenGrant(Transactions transactions, RefreshTokens refreshTokens, Grants grants,
            TokenResponseIssuer responses, AuditLog audit, Clock clock) {
        this.transactions = transactions;
        this.refreshTokens = refreshTokens;
        this.grants = grants;
        this.responses = responses;
        this.audit = audit;
        this.clock = clock;
        this.lookup = new RefreshTokenLookup(refreshTokens, grants);
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
    public Map<String, Object> handle(RefreshToken request, Client client, TokenRequester requester) {
        String remoteAddress = requester.remoteAddress();
        String hash = RefreshTokenLookup.hash(request.refreshToken());
        Instant now = clock.instant();

        // the token, its grant, its user and the session's amr: one read before the transaction
        RefreshTokens.ForRefresh found = lookup.findForRefresh(hash).orElseThrow(RefreshTokenGrant::invalid);
        StoredRefreshToken stored = found.token();
        Grant grant = found.grant();
        // RFC 6749 §6: "validate the refresh token and ensure that it was issued to the authenticated client"
        if (!RefreshTokenLookup.issuedTo(found.withGrant(), client)) {
            audit(client, requester, grant, "refresh token of another client");
            throw invalid();
        }
        if (!RefreshTokenLookup.lives(found.withGrant(), now)) {
            audit(client, requester, grant,
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
            User user = found.user().filter(User::enabled).orElseThrow(() -> {
                grants.revoke(grant.id(), "user gone or disabled");
                return invalid();
            });
            List<String> amr = grant.ssoSessionId() == null ? List.of() : TokenResponseIssuer.amr(found.sessionAmr());
            // one connection: the rotation, the new tokens and the audit row commit together, or none does
            Map<String, Object> response = transactions.inTransaction(tx -> refreshTokens.markUsed(tx, hash)
                    .map(used -> {
                        Map<String, Object> issued = responses.issue(tx, grant, client, user, scope, null, amr);
                        requester.noteLoginId(grant.loginId());
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
        requester.noteLoginId(grant.loginId());
        audit.record(AuditEvent.failure(AuditEvent.Type.REFRESH_TOKEN_REUSED, client.clientId(), grant.userId(),
                null, remoteAddress, "grant " + grant.id() + " revoked").withLoginId(grant.loginId()));
        throw invalid();
    }

    private void audit(Client client, TokenRequester requester, Grant grant, String why) {
        requester.noteLoginId(grant.loginId());
        audit.record(AuditEvent.failure(AuditEvent.Type.TOKEN_REQUEST_FAILED, client.clientId(),
                grant.userId(), null, requester.remoteAddress(), why).withLoginId(grant.loginId()));
    }

    private static OAuthException invalid() {
        return OAuthException.invalidGrant("The refresh token is invalid, expired or revoked");
    }
}
