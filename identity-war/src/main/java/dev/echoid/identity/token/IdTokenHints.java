package dev.echoid.identity.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Reads an {@code id_token_hint}: an ID token this provider issued, possibly expired (OpenID Connect RP-Initiated
 * Logout 1.0 §2: "The OP need not be the audience... it MAY be expired").
 */
public final class IdTokenHints {

    /** What a valid hint says. */
    public record Hint(String subject, List<String> audience, String sessionId) {
    }

    private final IdentitySettings settings;
    private final SigningKeys keys;
    private final Clock clock;

    /** @param clock the time java-jwt checks the hint's {@code iat} against */
    public IdTokenHints(IdentitySettings settings, SigningKeys keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /** The hint's claims when it is our signature and our issuer; empty otherwise. */
    public Optional<Hint> read(String idToken) {
        try {
            DecodedJWT unverified = JWT.decode(idToken);
            if (unverified.getKeyId() == null || "at+jwt".equals(unverified.getType())) {
                return Optional.empty();
            }
            return keys.byKid(unverified.getKeyId()).map(key -> ((JWTVerifier.BaseVerification) JWT.require(
                    key.verifier())
                    .withIssuer(settings.issuer().toString())
                    .acceptExpiresAt(Long.MAX_VALUE / 1000))
                    .build(clock)
                    .verify(unverified))
                    .filter(jwt -> jwt.getSubject() != null && jwt.getAudience() != null)
                    .map(jwt -> new Hint(jwt.getSubject(), jwt.getAudience(), jwt.getClaim("sid").asString()));
        } catch (JWTVerificationException | IllegalArgumentException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
