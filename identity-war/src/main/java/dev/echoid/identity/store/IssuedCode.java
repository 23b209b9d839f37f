package dev.echoid.identity.store;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * What an authorization code stands for, as stored under the code's hash.
 *
 * @param grantId      the grant created when the code was redeemed (null until then); a replay revokes it
 * @param ssoSessionId the provider's sign-on session the code was issued in (its {@code sid})
 * @param loginId      the sign-in it was issued for (the audit trail's login id)
 */
public record IssuedCode(
        String codeHash,
        String clientId,
        UUID userId,
        URI redirectUri,
        String scope,
        String nonce,
        String codeChallenge,
        String codeChallengeMethod,
        Instant authTime,
        Instant issuedAt,
        Instant expiresAt,
        Instant redeemedAt,
        UUID grantId,
        UUID ssoSessionId,
        String loginId) {
}
