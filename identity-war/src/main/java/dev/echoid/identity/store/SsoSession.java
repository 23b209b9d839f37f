package dev.echoid.identity.store;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The provider's single sign-on session with one browser.
 *
 * @param id       the session id, published as the {@code sid} claim (never the browser's secret)
 * @param authTime when the user last authenticated in this session
 * @param amr      how: space-separated authentication method references (RFC 8176)
 * @param loginId  the sign-in (audit login id) in which the user last authenticated in this session
 */
public record SsoSession(UUID id, UUID userId, Instant authTime, Instant createdAt, Instant lastSeenAt,
        Instant expiresAt, Instant endedAt, String amr, String loginId) {

    /** RFC 8176: the methods used, e.g. {@code pwd} or {@code pwd otp}. */
    public boolean usedSecondFactor() {
        return amr != null && java.util.Arrays.asList(amr.split(" ")).contains("otp");
    }

    public boolean isActive(Instant now, Duration idleTtl) {
        return endedAt == null && expiresAt.isAfter(now) && lastSeenAt.plus(idleTtl).isAfter(now);
    }
}
