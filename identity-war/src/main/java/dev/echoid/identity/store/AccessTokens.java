package dev.echoid.identity.store;

import java.time.Instant;
import java.util.UUID;

/** The access tokens issued, by {@code jti}, so that they can be revoked with their grant. */
public interface AccessTokens {

    void record(String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt);

    /** Records the token within {@code tx} (it is issued only if {@code tx} commits). */
    void record(Transaction tx, String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt);

    /** True when the token was issued here, is not revoked, and neither is its grant. */
    boolean isActive(String jti);

    /** Revokes one access token if it was issued to {@code clientId}; true when it was. */
    boolean revoke(String jti, String clientId);
}
