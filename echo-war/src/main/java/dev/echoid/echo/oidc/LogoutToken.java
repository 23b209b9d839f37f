package dev.echoid.echo.oidc;

import java.time.Instant;

/**
 * A verified logout token: which of the provider's sessions, or which user's sessions, to end.
 *
 * @param issuer    {@code iss}, equal to the configured issuer
 * @param subject   {@code sub}, null when absent
 * @param sessionId {@code sid}, null when absent (at least one of the two is present)
 * @param tokenId   {@code jti}
 * @param issuedAt  {@code iat}
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken">OpenID Connect
 *         Back-Channel Logout 1.0 §2.4</a>
 */
public record LogoutToken(String issuer, String subject, String sessionId, String tokenId, Instant issuedAt) {
}
