package dev.echoid.identity.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.User;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** Builds and signs the provider's tokens; nothing else in the provider touches JOSE. */
public final class TokenIssuer {

    /** The tokens of one successful token request. */
    public record IssuedTokens(String idToken, String accessToken, String accessTokenId, Instant accessTokenExpiry,
            long expiresIn, Scope scope) {
    }

    private final IdentitySettings settings;
    private final SigningKeys keys;
    private final Clock clock;

    public TokenIssuer(IdentitySettings settings, SigningKeys keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /** {@link #issue(User, String, Scope, String, Instant, String, String)} with an RS256 ID token. */
    public IssuedTokens issue(User user, String clientId, Scope scope, String nonce, Instant authTime,
            String accessTokenId) {
        return issue(user, clientId, scope, nonce, authTime, accessTokenId, SigningKeys.RS256);
    }

    /**
     * An ID token (OIDC Core §2) signed with {@code idTokenSigningAlgorithm} (the client's
     * {@code id_token_signed_response_alg}, one of {@link SigningKeys#supportedAlgorithms()}) and an RFC 9068
     * access token (always RS256) for {@code user}, the access token with the given {@code jti}.
     */
    public IssuedTokens issue(User user, String clientId, Scope scope, String nonce, Instant authTime,
            String accessTokenId, String idTokenSigningAlgorithm) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        SigningKey idKey = keys.signingKey(idTokenSigningAlgorithm);
        SigningKey key = keys.signingKey();

        JWTCreator.Builder id = JWT.create()
                .withKeyId(idKey.kid())
                .withIssuer(settings.issuer().toString())
                .withSubject(user.id().toString())
                .withAudience(clientId)
                .withClaim("azp", clientId)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(settings.idTokenTtl()))
                .withClaim("auth_time", authTime.getEpochSecond());
        if (nonce != null) {
            id.withClaim("nonce", nonce);
        }
        UserClaims.of(user, scope).forEach((name, value) -> putClaim(id, name, value));

        Instant accessExpiry = now.plus(settings.accessTokenTtl());
        String access = JWT.create()
                // RFC 9068 §2.1: typ "at+jwt"
                .withHeader(Map.of("typ", "at+jwt"))
                .withKeyId(key.kid())
                .withIssuer(settings.issuer().toString())
                .withSubject(user.id().toString())
                .withAudience(settings.endpoint("userinfo").toString())
                .withClaim("client_id", clientId)
                .withClaim("scope", scope.toString())
                .withIssuedAt(now)
                .withExpiresAt(accessExpiry)
                .withClaim("auth_time", authTime.getEpochSecond())
                .withJWTId(accessTokenId)
                .sign(key.jwtAlgorithm());

        return new IssuedTokens(id.sign(idKey.jwtAlgorithm()), access, accessTokenId, accessExpiry,
                settings.accessTokenTtl().toSeconds(), scope);
    }

    private static void putClaim(JWTCreator.Builder builder, String name, Object value) {
        if (value instanceof Boolean b) {
            builder.withClaim(name, b);
        } else {
            builder.withClaim(name, value.toString());
        }
    }
}
