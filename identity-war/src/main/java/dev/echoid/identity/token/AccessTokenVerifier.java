package dev.echoid.identity.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AccessTokens;
import java.time.Clock;
import java.time.Instant;

/** Checks an access token this provider issued: signature, issuer, type, expiry, and that it is still active. */
public final class AccessTokenVerifier {

    /** The verified contents of an access token; {@code subject} is a user id, or a client id (client_credentials). */
    public record VerifiedAccessToken(String subject, String clientId, Scope scope, String jti, Instant issuedAt,
            Instant expiresAt, String audience) {
    }

    private final IdentitySettings settings;
    private final SigningKeys keys;
    private final AccessTokens accessTokens;
    private final Clock clock;

    /** @param clock the time a token's expiry, and java-jwt's check of its iat, are judged by */
    public AccessTokenVerifier(IdentitySettings settings, SigningKeys keys, AccessTokens accessTokens, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.accessTokens = accessTokens;
        this.clock = clock;
    }

    /** The token's contents when its signature is ours, whatever its state (for revocation). */
    public VerifiedAccessToken verifySignature(String token) {
        try {
            DecodedJWT unverified = JWT.decode(token);
            if (!"at+jwt".equals(unverified.getType()) || unverified.getKeyId() == null) {
                throw invalid();
            }
            SigningKey key = keys.byKid(unverified.getKeyId()).orElseThrow(AccessTokenVerifier::invalid);
            // java-jwt checks iat (and nbf) against the clock it is given, by default the machine's
            DecodedJWT jwt = ((JWTVerifier.BaseVerification) JWT.require(key.verifier())
                    .withIssuer(settings.issuer().toString())
                    .withClaimPresence("jti")
                    .withClaimPresence("client_id")
                    .acceptExpiresAt(Long.MAX_VALUE / 1000))
                    .build(clock)
                    .verify(unverified);
            String scope = jwt.getClaim("scope").asString();
            return new VerifiedAccessToken(jwt.getSubject(), jwt.getClaim("client_id").asString(),
                    scope == null || scope.isBlank() ? Scope.of() : Scope.parse(scope), jwt.getId(),
                    jwt.getIssuedAtAsInstant(), jwt.getExpiresAtAsInstant(),
                    jwt.getAudience() == null || jwt.getAudience().isEmpty() ? null : jwt.getAudience().get(0));
        } catch (JWTVerificationException | IllegalArgumentException | ArithmeticException e) {
            throw invalid();
        }
    }

    /** A token that may be used now: signed by us, not expired, not revoked (nor its grant). */
    public VerifiedAccessToken verify(String token) {
        VerifiedAccessToken verified = verifySignature(token);
        if (verified.expiresAt() == null || !verified.expiresAt().isAfter(clock.instant())
                || !accessTokens.isActive(verified.jti())) {
            throw invalid();
        }
        return verified;
    }

    private static OAuthException invalid() {
        return new OAuthException(OAuthError.INVALID_TOKEN, "The access token is invalid, expired or revoked");
    }
}
