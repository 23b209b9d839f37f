package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.config.SettingsSource;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.RevokedTokens;
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

class TokenIssuerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private final IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
            "IDENTITY_ISSUER", "https://id.example/identity", "IDENTITY_ID_TOKEN_TTL_SECONDS", "900")));
    private final SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
    private final TokenIssuer issuer = new TokenIssuer(settings, keys, Clock.fixed(NOW, ZoneOffset.UTC));
    private final User user = new User(UUID.randomUUID(), "ada", "hash", "Ada Lovelace", "ada@example.com", true,
            true);

    @Test
    void issueWhenCodeRedeemedThenIdTokenHasRequiredClaimsAndKid() {
        TokenIssuer.IssuedTokens tokens = issuer.issue(user, "echo", Scope.of("openid", "profile", "email"), "n-1",
                NOW.minusSeconds(30), "jti-1");
        DecodedJWT id = ((com.auth0.jwt.JWTVerifier.BaseVerification) JWT.require(
                Algorithm.RSA256(keys.signingKey().publicKey(), null)))
                .build(Clock.fixed(NOW, ZoneOffset.UTC)) // verified at the issuer's (fixed) time
                .verify(tokens.idToken());
        assertThat(id.getAlgorithm()).isEqualTo("RS256");
        assertThat(id.getKeyId()).isEqualTo(keys.signingKey().kid());
        assertThat(id.getIssuer()).isEqualTo("https://id.example/identity");
        assertThat(id.getSubject()).isEqualTo(user.id().toString());
        assertThat(id.getAudience()).containsExactly("echo");
        assertThat(id.getIssuedAtAsInstant()).isEqualTo(NOW);
        assertThat(id.getExpiresAtAsInstant()).isEqualTo(NOW.plusSeconds(900));
        assertThat(id.getClaim("auth_time").asLong()).isEqualTo(NOW.minusSeconds(30).getEpochSecond());
        assertThat(id.getClaim("nonce").asString()).isEqualTo("n-1");
        assertThat(id.getClaim("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(id.getClaim("email").asString()).isEqualTo("ada@example.com");
    }

    @Test
    void issueWhenOnlyOpenidScopeThenNoProfileOrEmailClaims() {
        DecodedJWT id = JWT.decode(issuer.issue(user, "echo", Scope.of("openid"), null, NOW, "j").idToken());
        assertThat(id.getClaims()).doesNotContainKeys("name", "email", "preferred_username", "nonce");
    }

    @Test
    void issueThenAccessTokenIsRfc9068JwtThatTheVerifierAccepts() {
        TokenIssuer.IssuedTokens tokens = issuer.issue(user, "echo", Scope.of("openid"), null, NOW, "jti-2");
        DecodedJWT access = JWT.decode(tokens.accessToken());
        assertThat(access.getType()).isEqualTo("at+jwt");
        assertThat(access.getId()).isEqualTo("jti-2");
        assertThat(access.getClaim("client_id").asString()).isEqualTo("echo");
        assertThat(access.getClaim("scope").asString()).isEqualTo("openid");
        assertThat(tokens.expiresIn()).isEqualTo(600);

        Set<String> revokedIds = new HashSet<>();
        RevokedTokens revoked = new RevokedTokens() {
            @Override
            public void revoke(String jti, Instant expiresAt, String reason) {
                revokedIds.add(jti);
            }

            @Override
            public boolean isRevoked(String jti) {
                return revokedIds.contains(jti);
            }
        };
        // a live token, issued now by the real clock
        TokenIssuer live = new TokenIssuer(settings, keys, Clock.systemUTC());
        String token = live.issue(user, "echo", Scope.of("openid"), null, Instant.now(), "jti-3").accessToken();
        AccessTokenVerifier verifier = new AccessTokenVerifier(settings, keys, revoked);
        assertThat(verifier.verify(token).subject()).isEqualTo(user.id());

        revoked.revoke("jti-3", Instant.now(), "test");
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(OAuthException.class);
        assertThatThrownBy(() -> verifier.verify(tokens.accessToken())).isInstanceOf(OAuthException.class);
        String idTokenAsAccessToken = live.issue(user, "echo", Scope.of("openid"), null, Instant.now(), "j4")
                .idToken();
        assertThatThrownBy(() -> verifier.verify(idTokenAsAccessToken)).isInstanceOf(OAuthException.class);
    }
}
