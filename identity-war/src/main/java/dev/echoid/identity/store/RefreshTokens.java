package dev.echoid.identity.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Refresh tokens under their SHA-256. Contract: {@link #markUsed} succeeds at most once per token, however many
 * callers race for it.
 */
public interface RefreshTokens {

    record StoredRefreshToken(String tokenHash, UUID grantId, Instant issuedAt, Instant expiresAt,
            Instant rotatedAt) {
    }

    /** Saves a new token within {@code tx}. */
    void save(Transaction tx, String tokenHash, UUID grantId, Instant issuedAt, Instant expiresAt);

    /**
     * Marks the token used, atomically, within {@code tx}; empty when unknown or already used. The row stays locked
     * until {@code tx} ends: a concurrent use waits, then finds it used (or, if {@code tx} rolled back, unused).
     */
    Optional<StoredRefreshToken> markUsed(Transaction tx, String tokenHash);

    Optional<StoredRefreshToken> find(String tokenHash);

    /**
     * The retry of a lost answer: within {@code tx}, when {@code tokenHash} was rotated at most {@code window} ago
     * and its successor was never used, marks that successor used and revokes its access token; the successor's hash,
     * or empty (no such successor: it was used, or the window passed). Contract: of concurrent calls for one token at
     * most one gets the successor; the others, once it commits, find it used. This default keeps no successors: every
     * second use is reuse.
     */
    default Optional<String> revokeUnusedSuccessor(Transaction tx, String tokenHash, Duration window) {
        return Optional.empty();
    }

    /**
     * What a refresh checks before it rotates: the token, its grant, the grant's user (empty when deleted) and how
     * that user authenticated in the grant's sign-on session (its RFC 8176 {@code amr} values, space-separated; empty
     * without one).
     */
    record ForRefresh(StoredRefreshToken token, Grant grant, Optional<User> user, Optional<String> sessionAmr) {

        /** The token and its grant, for the checks every use of a refresh token shares. */
        public WithGrant withGrant() {
            return new WithGrant(token, grant);
        }
    }

    /** {@link ForRefresh} of a token; empty when the token is unknown. One statement, one round trip. */
    Optional<ForRefresh> findForRefresh(String tokenHash);

    /** A refresh token and the grant it belongs to. */
    record WithGrant(StoredRefreshToken token, Grant grant) {
    }

    /**
     * The token and its grant; empty when either is unknown. The database reads both with one statement; this
     * default reads the grant from {@code grants}.
     */
    default Optional<WithGrant> findWithGrant(String tokenHash, Grants grants) {
        return find(tokenHash).flatMap(token -> grants.find(token.grantId()).map(grant -> new WithGrant(token, grant)));
    }
}
