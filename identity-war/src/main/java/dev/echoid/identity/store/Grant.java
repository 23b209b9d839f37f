package dev.echoid.identity.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One authorization of one client, from which its tokens are issued.
 *
 * @param userId       the user, or null for a client_credentials grant (the client acts for itself)
 * @param ssoSessionId the provider sign-on session it came from, or null
 * @param expiresAt    the absolute end of its refresh tokens
 * @param loginId      the sign-in it came from (the audit trail's login id), or null (client_credentials)
 */
public record Grant(UUID id, String clientId, UUID userId, UUID ssoSessionId, String scope, Instant authTime,
        Instant createdAt, Instant expiresAt, Instant revokedAt, String loginId) {

    /** A grant of no sign-in. */
    public Grant(UUID id, String clientId, UUID userId, UUID ssoSessionId, String scope, Instant authTime,
            Instant createdAt, Instant expiresAt, Instant revokedAt) {
        this(id, clientId, userId, ssoSessionId, scope, authTime, createdAt, expiresAt, revokedAt, null);
    }

    public boolean isActive(Instant now) {
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
