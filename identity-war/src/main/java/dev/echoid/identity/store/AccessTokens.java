package dev.echoid.identity.store;

import java.time.Instant;
import java.util.UUID;

/** The access tokens issued, by {@code jti}, so that they can be revoked with their grant. */
public interface AccessTokens {

    void record(String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt);

    /** Records the token within {@code tx} (it is issued only if {@code tx} commits). */
    void record(Transaction tx, String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt);

    /**
     * A refresh token issued with an access token: only its SHA-256 is stored.
     *
     * @param rotatedFrom the hash of the token it succeeds (null for a grant's first)
     */
    record IssuedRefreshToken(String tokenHash, Instant issuedAt, Instant expiresAt, String rotatedFrom) {

        public IssuedRefreshToken(String tokenHash, Instant issuedAt, Instant expiresAt) {
            this(tokenHash, issuedAt, expiresAt, null);
        }
    }

    /**
     * Records the token of {@code grant} within {@code tx} and, in the same statement (one round trip), the grant
     * itself when {@code newGrant} (created by this request) and {@code refresh} when it is not null.
     */
    default void record(Transaction tx, String jti, Grant grant, boolean newGrant, String clientId, Instant issuedAt,
            Instant expiresAt, IssuedRefreshToken refresh) {
        if (newGrant || refresh != null) {
            throw new UnsupportedOperationException("this store records access tokens only");
        }
        record(tx, jti, grant.id(), clientId, issuedAt, expiresAt);
    }

    /** True when the token was issued here, is not revoked, and neither is its grant. */
    boolean isActive(String jti);

    /** Revokes one access token if it was issued to {@code clientId}; true when it was. */
    boolean revoke(String jti, String clientId);
}
