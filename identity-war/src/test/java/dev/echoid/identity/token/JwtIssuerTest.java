package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AccessTokens;
import dev.echoid.identity.store.User;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JwtIssuerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private final IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
            "IDENTITY_ISSUER", "https://id.example/identity", "IDENTITY_ID_TOKEN_TTL_SECONDS", "900")));
    private final SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
    private final JwtIssuer issuer = new JwtIssuer(settings, keys, Clock.fixed(NOW, ZoneOffset.UTC));
    private final User user = new User(UUID.randomUUID(), "ada", "hash", "Ada Lovelace", "ada@example.com", true,
            true);

    @Test
    void idTokenWhenCodeRedeemedThenRequiredClaimsSidAndKid() {
        UUID sid = UUID.randomUUID();
        String token = issuer.idToken(user, "echo", Scope.of("openid", "profile", "email"), "n-1",
                NOW.minusSeconds(30), sid, "RS256");
        DecodedJWT id = ((com.auth0.jwt.JWTVerifier.BaseVerification) JWT.require(
                Algorithm.RSA256(keys.signingKey().publicKey(), null)))
                .build(Clock.fixed(NOW, ZoneOffset.UTC)) // verified at the issuer's (fixed) time
                .verify(token);
        assertThat(id.getAlgorithm()).isEqualTo("RS256");
        assertThat(id.getKeyId()).isEqualTo(keys.signingKey().kid());
        assertThat(id.getIssuer()).isEqualTo("https://id.example/identity");
        assertThat(id.getSubject()).isEqualTo(user.id().toString());
        assertThat(id.getAudience()).containsExactly("echo");
        assertThat(id.getIssuedAtAsInstant()).isEqualTo(NOW);
        assertThat(id.getExpiresAtAsInstant()).isEqualTo(NOW.plusSeconds(900));
        assertThat(id.getClaim("auth_time").asLong()).isEqualTo(NOW.minusSeconds(30).getEpochSecond());
        assertThat(id.getClaim("nonce").asString()).isEqualTo("n-1");
        assertThat(id.getClaim("sid").asString()).isEqualTo(sid.toString());
        assertThat(id.getClaim("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(id.getClaim("email").asString()).isEqualTo("ada@example.com");
    }

    @Test
    void idTokenWhenOnlyOpenidScopeAndNoNonceThenNoProfileEmailOrNonceClaims() {
        DecodedJWT id = JWT.decode(issuer.idToken(user, "echo", Scope.of("openid"), null, NOW, null, "RS256"));
        assertThat(id.getClaims()).doesNotContainKeys("name", "email", "preferred_username", "nonce", "sid");
    }

    @Test
    void accessTokenThenRfc9068JwtThatTheVerifierAcceptsUntilRevoked() {
        JwtIssuer.SignedAccessToken fixed = issuer.accessToken(user.id().toString(), "echo", Scope.of("openid"),
                NOW);
        DecodedJWT access = JWT.decode(fixed.value());
        assertThat(access.getType()).isEqualTo("at+jwt");
        assertThat(access.getId()).isEqualTo(fixed.jti());
        assertThat(access.getClaim("client_id").asString()).isEqualTo("echo");
        assertThat(access.getClaim("scope").asString()).isEqualTo("openid");
        assertThat(fixed.expiresAt()).isEqualTo(NOW.plusSeconds(600));

        Set<String> active = new HashSet<>();
        AccessTokens store = new AccessTokens() {
            @Override
            public void record(String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt) {
                active.add(jti);
            }

            @Override
            public void record(dev.echoid.identity.store.Transaction tx, String jti, UUID grantId, String clientId,
                    Instant issuedAt, Instant expiresAt) {
                active.add(jti);
            }

            @Override
            public boolean isActive(String jti) {
                return active.contains(jti);
            }

            @Override
            public boolean revoke(String jti, String clientId) {
                return active.remove(jti);
            }
        };
        JwtIssuer live = new JwtIssuer(settings, keys, Clock.systemUTC());
        JwtIssuer.SignedAccessToken token = live.accessToken(user.id().toString(), "echo", Scope.of("openid"),
                Instant.now());
        store.record(token.jti(), UUID.randomUUID(), "echo", token.issuedAt(), token.expiresAt());
        AccessTokenVerifier verifier = new AccessTokenVerifier(settings, keys, store, Clock.systemUTC());
        assertThat(verifier.verify(token.value()).subject()).isEqualTo(user.id().toString());

        store.revoke(token.jti(), "echo");
        assertThatThrownBy(() -> verifier.verify(token.value())).isInstanceOf(OAuthException.class);
        // signature still ours: revocation can find it
        assertThat(verifier.verifySignature(token.value()).jti()).isEqualTo(token.jti());
        // expired (issued at the fixed past time)
        store.record(fixed.jti(), UUID.randomUUID(), "echo", fixed.issuedAt(), fixed.expiresAt());
        assertThatThrownBy(() -> verifier.verify(fixed.value())).isInstanceOf(OAuthException.class);
        // an ID token is not an access token
        String idToken = live.idToken(user, "echo", Scope.of("openid"), null, Instant.now(), null, "RS256");
        assertThatThrownBy(() -> verifier.verify(idToken)).isInstanceOf(OAuthException.class);
    }
}
