package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.fixtures.AllActiveAccessTokens;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.plumbing.SettingsSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The access-token verifier reads the time from the provider's clock alone, java-jwt's checks of {@code iat} with
 * it: a token is judged by the clock the provider runs on, never by the machine's beside it.
 */
class AccessTokenVerifierClockTest {

    private static final Instant REAL_NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
            "IDENTITY_ISSUER", "https://id.example/identity")));
    private final SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();

    @Test
    void tokenIssuedNowByTheRealClockIsRefusedWhenTheInjectedClockSaysItIsNotIssuedYet() {
        String token = issuedAt(REAL_NOW);
        AccessTokenVerifier behind = verifierAt(REAL_NOW.minus(Duration.ofHours(1)));
        assertThatThrownBy(() -> behind.verifySignature(token)).isInstanceOf(OAuthException.class);
        assertThatThrownBy(() -> behind.verify(token)).isInstanceOf(OAuthException.class);
        assertThat(verifierAt(REAL_NOW).verifySignature(token).subject()).isEqualTo("sub-1");
    }

    @Test
    void tokenIssuedAheadOfTheRealClockIsAcceptedAtTheInjectedClocksTime() {
        Instant ahead = REAL_NOW.plus(Duration.ofHours(1));
        String token = issuedAt(ahead);
        AccessTokenVerifier verifier = verifierAt(ahead.plusSeconds(5));
        assertThat(verifier.verifySignature(token).subject()).isEqualTo("sub-1");
        assertThat(verifier.verify(token).subject()).isEqualTo("sub-1");
    }

    private String issuedAt(Instant at) {
        return new JwtIssuer(settings, keys, Clock.fixed(at, ZoneOffset.UTC))
                .accessToken("sub-1", "echo", Scope.of("openid"), at).value();
    }

    private AccessTokenVerifier verifierAt(Instant now) {
        // every token recorded and none revoked: only the time decides
        return new AccessTokenVerifier(settings, keys, new AllActiveAccessTokens(), Clock.fixed(now, ZoneOffset.UTC));
    }
}
