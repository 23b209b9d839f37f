package dev.echoid.identity.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.User;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** Builds and signs the provider's tokens; nothing else in the provider touches JOSE. */
public final class JwtIssuer {

    /** A signed RFC 9068 access token and what was recorded about it. */
    public record SignedAccessToken(String value, String jti, Instant issuedAt, Instant expiresAt) {
    }

    /** Authentication context classes: a password, or a password and a second factor. */
    public static final String ACR_PASSWORD = "1";
    public static final String ACR_SECOND_FACTOR = "2";
    /** The sign-in this token came from, as the audit trail names it; only ever sent from the token endpoint. */
    public static final String LOGIN_ID_CLAIM = "login_id";

    private final IdentitySettings settings;
    private final SigningKeys keys;
    private final Clock clock;

    public JwtIssuer(IdentitySettings settings, SigningKeys keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * An ID token (OIDC Core §2) for {@code user}, signed with {@code algorithm} (the client's
     * {@code id_token_signed_response_alg}, one of {@link SigningKeys#supportedAlgorithms()}); {@code nonce} and
     * {@code sid} only when not null. After a refresh, pass the original {@code authTime} and no nonce (OIDC Core
     * §12.2).
     */
    public String idToken(User user, String clientId, Scope scope, String nonce, Instant authTime, UUID sid,
            String algorithm) {
        return idToken(user, clientId, scope, nonce, authTime, sid, algorithm, java.util.List.of(), null);
    }

    /**
     * As above, with how the user authenticated: {@code amr} (RFC 8176: {@code pwd}, {@code otp}) and the matching
     * {@code acr} ({@code "2"} with a second factor, {@code "1"} with a password alone), and the audit trail's
     * {@code login_id} claim (see {@link #LOGIN_ID_CLAIM}) when not null.
     */
    public String idToken(User user, String clientId, Scope scope, String nonce, Instant authTime, UUID sid,
            String algorithm, java.util.List<String> amr, String loginId) {
        Instant now = now();
        SigningKey idKey = keys.signingKey(algorithm);
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
        if (sid != null) {
            id.withClaim("sid", sid.toString());
        }
        if (!amr.isEmpty()) {
            id.withClaim("amr", amr);
            id.withClaim("acr", amr.contains("otp") ? ACR_SECOND_FACTOR : ACR_PASSWORD);
        }
        if (loginId != null) {
            id.withClaim(LOGIN_ID_CLAIM, loginId);
        }
        UserClaims.of(user, scope).forEach((name, value) -> putClaim(id, name, value));
        return id.sign(idKey.jwtAlgorithm());
    }

    /**
     * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): {@code events} names the back-channel logout
     * event, {@code sid} the session that ended, and it MUST NOT contain a {@code nonce}.
     */
    public String logoutToken(UUID subject, String clientId, UUID sid) {
        Instant now = now();
        SigningKey key = keys.signingKey();
        return JWT.create()
                .withHeader(Map.of("typ", "logout+jwt"))
                .withKeyId(key.kid())
                .withIssuer(settings.issuer().toString())
                .withSubject(subject.toString())
                .withAudience(clientId)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(120))
                .withJWTId(RandomTokens.base64Url(16))
                .withClaim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
                .withClaim("sid", sid.toString())
                .sign(key.jwtAlgorithm());
    }

    /**
     * An RFC 9068 access token: {@code sub} is the user, or the client itself for client_credentials; {@code authTime}
     * is null when no user signed in.
     */
    public SignedAccessToken accessToken(String subject, String clientId, Scope scope, Instant authTime) {
        Instant now = now();
        Instant expiresAt = now.plus(settings.accessTokenTtl());
        String jti = RandomTokens.base64Url(16);
        SigningKey key = keys.signingKey();
        JWTCreator.Builder access = JWT.create()
                // RFC 9068 §2.1: typ "at+jwt"
                .withHeader(Map.of("typ", "at+jwt"))
                .withKeyId(key.kid())
                .withIssuer(settings.issuer().toString())
                .withSubject(subject)
                .withAudience(settings.endpoint("userinfo").toString())
                .withClaim("client_id", clientId)
                .withClaim("scope", scope.toString())
                .withIssuedAt(now)
                .withExpiresAt(expiresAt)
                .withJWTId(jti);
        if (authTime != null) {
            access.withClaim("auth_time", authTime.getEpochSecond());
        }
        return new SignedAccessToken(access.sign(key.jwtAlgorithm()), jti, now, expiresAt);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static void putClaim(JWTCreator.Builder builder, String name, Object value) {
        if (value instanceof Boolean b) {
            builder.withClaim(name, b);
        } else {
            builder.withClaim(name, value.toString());
        }
    }
}
