package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingAuthorizationsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static PendingAuthorization pending(String state, Instant createdAt) {
        return new PendingAuthorization(state, "nonce-" + state,
                new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "/", createdAt);
    }

    @Test
    void takeWhenTwoTabsStartedThenEachStateFindsItsOwnEntryOnce() {
        PendingAuthorizations all = new PendingAuthorizations();
        all.add(pending("tab-1", T0));
        all.add(pending("tab-2", T0));

        assertThat(all.take("tab-2", T0).map(PendingAuthorization::nonce)).contains("nonce-tab-2");
        assertThat(all.take("tab-1", T0).map(PendingAuthorization::nonce)).contains("nonce-tab-1");
        assertThat(all.take("tab-1", T0)).as("single use").isEmpty();
    }

    @Test
    void takeWhenStateUnknownOrMissingThenEmptyAndOthersKept() {
        PendingAuthorizations all = new PendingAuthorizations();
        all.add(pending("tab-1", T0));

        assertThat(all.take("tab-x", T0)).isEmpty();
        assertThat(all.take(null, T0)).isEmpty();
        assertThat(all.take("", T0)).isEmpty();
        assertThat(all.size()).isEqualTo(1);
    }

    @Test
    void takeWhenOlderThanTenMinutesThenExpired() {
        PendingAuthorizations all = new PendingAuthorizations();
        all.add(pending("tab-1", T0));

        assertThat(all.take("tab-1", T0.plus(Duration.ofMinutes(10)))).isEmpty();
        assertThat(all.size()).isZero();
    }

    @Test
    void addWhenMoreThanFiveThenOldestDropped() {
        PendingAuthorizations all = new PendingAuthorizations();
        for (int i = 1; i <= 6; i++) {
            all.add(pending("tab-" + i, T0));
        }

        assertThat(all.size()).isEqualTo(PendingAuthorizations.MAX_PENDING);
        assertThat(all.take("tab-1", T0)).isEmpty();
        assertThat(all.take("tab-6", T0)).isPresent();
    }
}
