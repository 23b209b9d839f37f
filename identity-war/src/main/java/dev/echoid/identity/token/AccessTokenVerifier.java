package dev.echoid.identity.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.RevokedTokens;
import java.util.UUID;

/** Checks an access token this provider issued: signature, issuer, type, expiry, not revoked. */
public final class AccessTokenVerifier {

    /** The verified contents of an access token. */
    public record VerifiedAccessToken(UUID subject, String clientId, Scope scope) {
    }

    private final IdentitySettings settings;
    private final SigningKeys keys;
    private final RevokedTokens revoked;

    public AccessTokenVerifier(IdentitySettings settings, SigningKeys keys, RevokedTokens revoked) {
        this.settings = settings;
        this.keys = keys;
        this.revoked = revoked;
    }

    public VerifiedAccessToken verify(String token) {
        try {
            DecodedJWT unverified = JWT.decode(token);
            if (!"at+jwt".equals(unverified.getType()) || unverified.getKeyId() == null) {
                throw invalid();
            }
            SigningKey key = keys.byKid(unverified.getKeyId()).orElseThrow(AccessTokenVerifier::invalid);
            DecodedJWT jwt = JWT.require(key.verifier())
                    .withIssuer(settings.issuer().toString())
                    .withClaimPresence("jti")
                    .withClaimPresence("client_id")
                    .build()
                    .verify(unverified);
            if (revoked.isRevoked(jwt.getId())) {
                throw invalid();
            }
            String scope = jwt.getClaim("scope").asString();
            return new VerifiedAccessToken(UUID.fromString(jwt.getSubject()), jwt.getClaim("client_id").asString(),
                    Scope.parse(scope == null ? "" : scope));
        } catch (JWTVerificationException | IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static OAuthException invalid() {
        return new OAuthException(OAuthError.INVALID_TOKEN, "The access token is invalid, expired or revoked");
    }
}
