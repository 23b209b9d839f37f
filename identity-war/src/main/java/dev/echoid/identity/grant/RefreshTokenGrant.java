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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The refresh token grant. Refresh tokens are rotated on every use; presenting one that was already used means it
 * leaked, and the whole grant is revoked, except for the retry of a lost answer: the same client, within the retry
 * window, while the successor was never used ({@link #retry}).
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
    private final Duration retryWindow;

    /** Without a retry window: every second use of a token is reuse. */
    public RefreshTokenGrant(Transactions transactions, RefreshTokens refreshTokens, Grants grants,
            TokenResponseIssuer responses, AuditLog audit, Clock clock) {
        this(transactions, refreshTokens, grants, responses, audit, clock, Duration.ZERO);
    }

    /**
     * @param retryWindow how long after its rotation a token may be presented again by its client as the retry of
     *                    a lost answer, while its successor is unused ({@code ZERO}: never)
     */
    public RefreshTokenGrant(Transactions transactions, RefreshTokens refreshTokens, Grants grants,
            TokenResponseIssuer responses, AuditLog audit, Clock clock, Duration retryWindow) {
        this.retryWindow = retryWindow;
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
            User user = enabledUser(found);
            List<String> amr = amr(found);
            // one connection: the rotation, the new tokens and the audit row commit together, or none does
            Map<String, Object> response = transactions.inTransaction(tx -> refreshTokens.markUsed(tx, hash)
                    .map(used -> {
                        Map<String, Object> issued = responses.issueSuccessor(tx, grant, client, user, scope, amr,
                                hash);
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
            // another request with this token committed its rotation first: a retry of it, or the reuse
        }
        if (!retryWindow.isZero()) {
            Map<String, Object> retried = retry(request, found, client, requester, hash);
            if (retried != null) {
                return retried;
            }
        }
        // RFC 9700 §4.14.2: a rotated refresh token used again: revoke the grant and all its tokens
        grants.revoke(grant.id(), "refresh token reused");
        requester.noteLoginId(grant.loginId());
        audit.record(AuditEvent.failure(AuditEvent.Type.REFRESH_TOKEN_REUSED, client.clientId(), grant.userId(),
                null, remoteAddress, "grant " + grant.id() + " revoked").withLoginId(grant.loginId()));
        throw invalid();
    }

    /**
     * The rotated token presented again by its client (checked before): the retry of an answer that was lost after
     * its commit, when the token was rotated within the window and its successor never used. In one transaction that
     * successor is revoked (it was never delivered) and a new pair issued, so one refresh token lives per grant.
     * Null when it is not a retry (the successor was used, the window passed, more scope is asked): then it is reuse.
     */
    private Map<String, Object> retry(RefreshToken request, RefreshTokens.ForRefresh found, Client client,
            TokenRequester requester, String hash) {
        Grant grant = found.grant();
        Scope granted = Scope.parse(grant.scope());
        Scope scope;
        try {
            scope = request.scope().orElse(granted);
        } catch (OAuthException malformed) {
            return null;
        }
        if (!granted.values().containsAll(scope.values())) {
            return null;
        }
        User user = enabledUser(found);
        List<String> amr = amr(found);
        return transactions.inTransaction(tx -> refreshTokens.revokeUnusedSuccessor(tx, hash, retryWindow)
                .map(revoked -> {
                    Map<String, Object> issued = responses.issueSuccessor(tx, grant, client, user, scope, amr, hash);
                    requester.noteLoginId(grant.loginId());
                    audit.record(tx, AuditEvent.success(AuditEvent.Type.TOKEN_REFRESH_RETRIED, client.clientId(),
                            user.id(), user.username(), requester.remoteAddress(),
                            "grant " + grant.id() + ", unused successor revoked").withLoginId(grant.loginId()));
                    return issued;
                })
                .orElse(null));
    }

    /** The grant's user, when still there and enabled; otherwise the grant is revoked and the request refused. */
    private User enabledUser(RefreshTokens.ForRefresh found) {
        return found.user().filter(User::enabled).orElseThrow(() -> {
            grants.revoke(found.grant().id(), "user gone or disabled");
            return invalid();
        });
    }

    private static List<String> amr(RefreshTokens.ForRefresh found) {
        return found.grant().ssoSessionId() == null ? List.of() : TokenResponseIssuer.amr(found.sessionAmr());
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
