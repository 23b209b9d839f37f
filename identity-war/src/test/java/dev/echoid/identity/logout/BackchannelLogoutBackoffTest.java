package dev.echoid.identity.logout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.config.BackchannelSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The wait between two attempts: doubling, capped, half of it random, so that failed nodes do not return together. */
class BackchannelLogoutBackoffTest {

    private final BackchannelLogout delivery = new BackchannelLogout(null, null, null, new BackchannelSettings(1,
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(1_000), Duration.ofMillis(60_000), 20,
            Duration.ofDays(1), Duration.ofSeconds(1), Duration.ofDays(7)));

    @Test
    void backoffAfterEachFailureDoublesWithinItsJitterUpToTheMaximum() {
        long[] full = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (int attempt = 1; attempt <= full.length; attempt++) {
            for (int i = 0; i < 200; i++) {
                long wait = delivery.backoff(attempt).toMillis();
                assertThat(wait).as("after attempt %d", attempt).isBetween(full[attempt - 1] / 2, full[attempt - 1]);
            }
        }
    }

    @Test
    void backoffOfTheSameAttemptVariesAndNeverOverflows() {
        Set<Long> waits = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            waits.add(delivery.backoff(3).toMillis());
        }
        assertThat(waits).as("jitter").hasSizeGreaterThan(10);
        for (int attempt : new int[] {40, 63, 64, 1_000, Integer.MAX_VALUE}) {
            assertThat(delivery.backoff(attempt).toMillis()).isBetween(30_000L, 60_000L);
        }
    }
}
