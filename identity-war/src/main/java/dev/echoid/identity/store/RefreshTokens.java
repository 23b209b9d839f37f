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

    void save(String tokenHash, UUID grantId, Instant issuedAt, Instant expiresAt);

    /** Marks the token used, atomically; empty when unknown or already used. */
    Optional<StoredRefreshToken> rotate(String tokenHash);

    Optional<StoredRefreshToken> find(String tokenHash);
}
