package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AccessTokens;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Transaction;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.JwtIssuer;
import dev.echoid.identity.token.JwtIssuer.SignedAccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issues the tokens of a successful token response (RFC 6749 §5.1) from a grant: an access token (recorded, so it
 * can be revoked with the grant), an ID token when a user signed in with {@code openid}, and a refresh token when
 * the client may use them.
 */
public final class TokenResponseIssuer {

    private final JwtIssuer tokens;
    private final AccessTokens accessTokens;
    private final Duration refreshIdleTtl;
    private final Clock clock;

    public TokenResponseIssuer(JwtIssuer tokens, AccessTokens accessTokens, Duration refreshIdleTtl, Clock clock) {
        this.tokens = tokens;
        this.accessTokens = accessTokens;
        this.refreshIdleTtl = refreshIdleTtl;
        this.clock = clock;
    }

    /** The {@code amr} values of a sign-on session's {@code amr} column (space-separated), when it has one. */
    public static List<String> amr(Optional<String> sessionAmr) {
        return sessionAmr.map(value -> List.of(value.split(" "))).orElse(List.of());
    }

    /**
     * @param tx    the transaction that records the tokens (with the code's redemption or the refresh token's
     *              rotation); the answer is only good once it commits
     * @param user  the signed-in user, or null for client_credentials
     * @param scope the scope of these tokens (the grant's, or a narrower one asked for at refresh)
     * @param nonce the authorization request's nonce, only for the first ID token of a code grant
     * @param amr   the sign-on session's {@link #amr(Optional)}, read before the transaction
     */
    public Map<String, Object> issue(Transaction tx, Grant grant, Client client, User user, Scope scope,
            String nonce, List<String> amr) {
        return issue(tx, grant, false, client, user, scope, nonce, amr, null);
    }

    /**
     * As {@link #issue(Transaction, Grant, Client, User, Scope, String, List)} at a refresh: the new refresh token
     * records the one it succeeds, {@code rotatedFrom} (a hash), for the retry of a lost answer.
     */
    public Map<String, Object> issueSuccessor(Transaction tx, Grant grant, Client client, User user, Scope scope,
            List<String> amr, String rotatedFrom) {
        return issue(tx, grant, false, client, user, scope, null, amr, rotatedFrom);
    }

    /**
     * As {@link #issue(Transaction, Grant, Client, User, Scope, String, List)} for a grant this request creates: the
     * grant is recorded with its tokens, in the same statement.
     */
    public Map<String, Object> issueForNewGrant(Transaction tx, Grant grant, Client client, User user, Scope scope,
            String nonce, List<String> amr) {
        return issue(tx, grant, true, client, user, scope, nonce, amr, null);
    }

    private Map<String, Object> issue(Transaction tx, Grant grant, boolean newGrant, Client client, User user,
            Scope scope, String nonce, List<String> amr, String rotatedFrom) {
        String subject = user == null ? client.clientId() : user.id().toString();
        SignedAccessToken access = tokens.accessToken(subject, client.clientId(), scope, grant.authTime());
        String refresh = null;
        AccessTokens.IssuedRefreshToken refreshRecord = null;
        if (user != null && client.allows(Client.REFRESH_TOKEN)) {
            // >= 256 bits, opaque; only its hash is stored
            refresh = RandomTokens.base64Url(32);
            Instant now = clock.instant();
            Instant idleEnd = now.plus(refreshIdleTtl);
            refreshRecord = new AccessTokens.IssuedRefreshToken(Sha256.base64Url(refresh), now,
                    idleEnd.isBefore(grant.expiresAt()) ? idleEnd : grant.expiresAt(), rotatedFrom);
        }
        // the tokens (and a new grant) in one statement: one round trip
        accessTokens.record(tx, access.jti(), grant, newGrant, client.clientId(), access.issuedAt(),
                access.expiresAt(), refreshRecord);

        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", access.value());
        response.put("token_type", "Bearer");
        response.put("expires_in", Duration.between(access.issuedAt(), access.expiresAt()).toSeconds());
        response.put("scope", scope.toString());
        if (refresh != null) {
            response.put("refresh_token", refresh);
        }
        if (user != null && scope.contains(Scope.OPENID)) {
            response.put("id_token", tokens.idToken(user, client.clientId(), scope, nonce, grant.authTime(),
                    grant.ssoSessionId(), client.idTokenSigningAlgorithm(), amr, grant.loginId()));
        }
        return response;
    }
}
