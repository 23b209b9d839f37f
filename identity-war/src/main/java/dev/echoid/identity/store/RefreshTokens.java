package dev.echoid.identity.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Refresh tokens under their SHA-256. Contract: {@link #rotate} succeeds at most once per token, however many
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
    Optional<StoredRefreshToken> rotate(Transaction tx, String tokenHash);

    Optional<StoredRefreshToken> find(String tokenHash);

    /**
     * What a refresh checks before it rotates: the token, its grant, the grant's user (empty when deleted) and how
     * that user authenticated in the grant's sign-on session (its RFC 8176 {@code amr} values, space-separated; empty
     * without one).
     */
    record ForRefresh(StoredRefreshToken token, Grant grant, Optional<User> user, Optional<String> sessionAmr) {
    }

    /** {@link ForRefresh} of a token; empty when the token is unknown. One statement, one round trip. */
    Optional<ForRefresh> findForRefresh(String tokenHash);
}
