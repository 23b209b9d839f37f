package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.User;
import dev.echoid.plumbing.SettingsSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An id_token_hint is read at the provider's time, from its clock: java-jwt's own check of iat included. */
class IdTokenHintsTest {

    private static final Instant REAL_NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
            "IDENTITY_ISSUER", "https://id.example/identity")));
    private final SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
    private final User user = new User(UUID.randomUUID(), "ada", "hash", "Ada", "ada@example.com", true, true);
    private final UUID sid = UUID.randomUUID();

    @Test
    void hintIssuedNowByTheRealClockIsRefusedWhenTheInjectedClockSaysItIsNotIssuedYet() {
        String hint = idTokenIssuedAt(REAL_NOW);
        assertThat(hintsAt(REAL_NOW.minus(Duration.ofHours(1))).read(hint)).isEmpty();
        assertThat(hintsAt(REAL_NOW).read(hint)).hasValueSatisfying(read -> {
            assertThat(read.subject()).isEqualTo(user.id().toString());
            assertThat(read.sessionId()).isEqualTo(sid.toString());
        });
    }

    @Test
    void hintIssuedAheadOfTheRealClockIsReadAtTheInjectedClocksTime() {
        Instant ahead = REAL_NOW.plus(Duration.ofHours(1));
        assertThat(hintsAt(ahead.plusSeconds(5)).read(idTokenIssuedAt(ahead))).isPresent();
    }

    @Test
    void hintExpiredLongAgoIsStillRead() {
        // RP-Initiated Logout 1.0 §2: the hint MAY be expired
        String hint = idTokenIssuedAt(REAL_NOW.minus(Duration.ofDays(30)));
        assertThat(hintsAt(REAL_NOW).read(hint)).isPresent();
    }

    private String idTokenIssuedAt(Instant at) {
        return new JwtIssuer(settings, keys, Clock.fixed(at, ZoneOffset.UTC))
                .idToken(user, "echo", Scope.of("openid"), null, at, sid, "RS256");
    }

    private IdTokenHints hintsAt(Instant now) {
        return new IdTokenHints(settings, keys, Clock.fixed(now, ZoneOffset.UTC));
    }
}
