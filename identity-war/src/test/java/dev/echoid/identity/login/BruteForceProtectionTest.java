package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.store.LoginThrottles;
import dev.echoid.identity.token.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BruteForceProtectionTest {

    private static final LoginPolicy POLICY = new LoginPolicy(3, 5, Duration.ofSeconds(30), Duration.ofSeconds(90),
            Duration.ofHours(12), 12, false, false);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final InMemoryThrottles throttles = new InMemoryThrottles();
    private final BruteForceProtection protection = new BruteForceProtection(throttles, POLICY, clock);

    @Test
    void failedWhenBelowThresholdThenNotLockedAndAtThresholdThenLockedForTheIncrement() {
        String user = BruteForceProtection.userKey("Ada");
        protection.failed(user, "10.0.0.1");
        protection.failed(user, "10.0.0.1");
        assertThat(protection.isLocked(user)).isFalse();
        protection.failed(user, "10.0.0.1");
        assertThat(protection.isLocked(user)).isTrue();
        clock.advance(Duration.ofSeconds(29));
        assertThat(protection.isLocked(user)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(protection.isLocked(user)).isFalse();
    }

    @Test
    void failedWhenFailuresGoOnThenWaitGrowsUpToTheMaximum() {
        assertThat(POLICY.lockAfter(2, 3)).isEqualTo(Duration.ZERO);
        assertThat(POLICY.lockAfter(3, 3)).isEqualTo(Duration.ofSeconds(30));
        assertThat(POLICY.lockAfter(4, 3)).isEqualTo(Duration.ofSeconds(60));
        assertThat(POLICY.lockAfter(5, 3)).isEqualTo(Duration.ofSeconds(90));
        assertThat(POLICY.lockAfter(50, 3)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void userKeyWhenCaseDiffersThenSameKeyWhetherOrNotTheAccountExists() {
        assertThat(BruteForceProtection.userKey(" Ada ")).isEqualTo(BruteForceProtection.userKey("ada"));
    }

    @Test
    void failedWhenManyUserNamesFromOneAddressThenTheAddressLocks() {
        for (int i = 0; i < 5; i++) {
            protection.failed(BruteForceProtection.userKey("user" + i), "10.0.0.9");
        }
        assertThat(protection.isLocked(BruteForceProtection.addressKey("10.0.0.9"))).isTrue();
        assertThat(protection.isLocked(BruteForceProtection.userKey("user0"))).isFalse();
    }

    @Test
    void succeededThenAccountForgottenButAddressKept() {
        String user = BruteForceProtection.userKey("ada");
        protection.failed(user, "10.0.0.2");
        protection.failed(user, "10.0.0.2");
        protection.succeeded(user);
        protection.failed(user, "10.0.0.2");
        assertThat(protection.isLocked(user)).as("count restarted").isFalse();
        assertThat(throttles.failures.get(BruteForceProtection.addressKey("10.0.0.2"))).isEqualTo(3);
    }

    @Test
    void failedWhenLastFailureOlderThanResetTimeThenCountStartsAgain() {
        String user = BruteForceProtection.userKey("ada");
        protection.failed(user, "10.0.0.3");
        protection.failed(user, "10.0.0.3");
        clock.advance(Duration.ofHours(13));
        protection.failed(user, "10.0.0.3");
        assertThat(protection.isLocked(user)).isFalse();
    }

    @Test
    void unlockThenTheUserNameMayTryAgainAtOnce() {
        String user = BruteForceProtection.userKey("ada");
        for (int i = 0; i < 3; i++) {
            protection.failed(user, "10.0.0.4");
        }
        assertThat(protection.unlock("ADA")).isTrue();
        assertThat(protection.isLocked(user)).isFalse();
    }

    @Test
    void newPasswordWhenShorterThanMinimumThenProblemNamed() {
        assertThat(POLICY.problemWithNewPassword("short")).hasValue("must be at least 12 characters long");
        assertThat(POLICY.problemWithNewPassword("long enough passphrase")).isEmpty();
    }

    /** The JDBC store is exercised by AccountSecurityIT against PostgreSQL. */
    private static final class InMemoryThrottles implements LoginThrottles {
        final Map<String, Integer> failures = new HashMap<>();
        final Map<String, Instant> last = new HashMap<>();
        final Map<String, Instant> locks = new HashMap<>();

        @Override
        public Optional<Instant> lockedUntil(String key, Instant now) {
            return Optional.ofNullable(locks.get(key)).filter(until -> until.isAfter(now));
        }

        @Override
        public int recordFailure(String key, Instant now, Instant resetBefore) {
            int count = last.containsKey(key) && !last.get(key).isBefore(resetBefore) ? failures.get(key) + 1 : 1;
            failures.put(key, count);
            last.put(key, now);
            return count;
        }

        @Override
        public void lock(String key, Instant until) {
            locks.put(key, until);
        }

        @Override
        public boolean reset(String key) {
            locks.remove(key);
            last.remove(key);
            return failures.remove(key) != null;
        }
    }
}
