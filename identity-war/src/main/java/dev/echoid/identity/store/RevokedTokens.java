package dev.echoid.identity.store;

import java.time.Instant;

/** Access tokens (by {@code jti}) revoked before their expiry. */
public interface RevokedTokens {

    void revoke(String jti, Instant expiresAt, String reason);

    boolean isRevoked(String jti);
}
