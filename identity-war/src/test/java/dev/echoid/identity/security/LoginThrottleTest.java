package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The throttle's decisions on one key, as PostgreSQL's store takes them under the row's lock: room for an attempt
 * (locked, failures and attempts in flight against the threshold, lost reservations and old failures counting as
 * none), what a failure counts and how long it locks, what a success forgets. BruteForceProtectionIT and LockoutIT
 * prove the same through JdbcLoginThrottles, with parallel attempts.
 */
class LoginThrottleTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant RESET_BEFORE = NOW.minus(Duration.ofHours(12));
    private static final Instant STALE_BEFORE = NOW.minus(Duration.ofMinutes(1));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ofSeconds(90);

    @Test
    void aKeyWithoutARowHasRoomAndCountsNothing() {
        LoginThrottle none = LoginThrottle.none(NOW);
        assertThat(none.failures()).isZero();
        assertThat(none.inFlight()).isZero();
        assertThat(none.lastFailureAt()).isEqualTo(NOW);
        assertThat(none.lockedUntil()).isNull();
        assertThat(none.reservedAt()).isNull();
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.isLocked(NOW)).isFalse();
        assertThat(none.hasRoom(1, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
    }

    @Test
    void reservedWhenRoomThenOneMoreInFlightReservedNow() {
        LoginThrottle reserved = LoginThrottle.none(NOW).reserved(NOW, STALE_BEFORE);
        assertThat(reserved.inFlight()).isOne();
        assertThat(reserved.reservedAt()).isEqualTo(NOW);
        assertThat(reserved.failures()).isZero();
        assertThat(reserved.isEmpty()).isFalse();
        LoginThrottle twice = reserved.reserved(NOW.plusSeconds(1), STALE_BEFORE);
        assertThat(twice.inFlight()).isEqualTo(2);
        assertThat(twice.reservedAt()).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void hasRoomWhenAttemptsInFlightReachTheThresholdLessTheFailuresThenNot() {
        // threshold 3 with one failure: two places
        LoginThrottle oneFailure = new LoginThrottle(1, NOW.minusSeconds(5), null, 0, null);
        LoginThrottle one = oneFailure.reserved(NOW, STALE_BEFORE);
        assertThat(one.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
        LoginThrottle two = one.reserved(NOW, STALE_BEFORE);
        assertThat(two.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isFalse();
        assertThat(two.isLocked(NOW)).as("busy, not locked").isFalse();
        assertThat(two.hasRoom(4, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
    }

    @Test
    void hasRoomWhenFailuresReachTheThresholdThenStillOneAttemptOnceTheLockLapsed() {
        LoginThrottle atThreshold = new LoginThrottle(3, NOW.minusSeconds(40), NOW.minusSeconds(10), 0, null);
        assertThat(atThreshold.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
        LoginThrottle inFlight = atThreshold.reserved(NOW, STALE_BEFORE);
        assertThat(inFlight.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).as("only one").isFalse();
        LoginThrottle beyond = new LoginThrottle(7, NOW.minusSeconds(40), null, 0, null);
        assertThat(beyond.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
        assertThat(beyond.reserved(NOW, STALE_BEFORE).hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isFalse();
    }

    @Test
    void isLockedUntilTheInstantAndNoLonger() {
        LoginThrottle locked = new LoginThrottle(3, NOW, NOW.plusSeconds(30), 0, null);
        assertThat(locked.isLocked(NOW)).isTrue();
        assertThat(locked.isLocked(NOW.plusSeconds(29))).isTrue();
        assertThat(locked.isLocked(NOW.plusSeconds(30))).as("locked until, not through").isFalse();
        assertThat(locked.hasRoom(100, NOW, RESET_BEFORE, STALE_BEFORE)).as("a lock refuses whatever the room")
                .isFalse();
        assertThat(locked.hasRoom(100, NOW.plusSeconds(30), RESET_BEFORE, STALE_BEFORE)).isTrue();
    }

    @Test
    void failuresOlderThanTheResetWindowCountAsNone() {
        LoginThrottle old = new LoginThrottle(3, RESET_BEFORE.minusSeconds(1), null, 0, null);
        assertThat(old.failuresSince(RESET_BEFORE)).isZero();
        assertThat(old.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
        assertThat(old.reserved(NOW, STALE_BEFORE).hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE))
                .as("three places again").isTrue();
        LoginThrottle atTheEdge = new LoginThrottle(3, RESET_BEFORE, null, 0, null);
        assertThat(atTheEdge.failuresSince(RESET_BEFORE)).as("not older than the window").isEqualTo(3);
        assertThat(new LoginThrottle(2, null, null, 0, null).failuresSince(RESET_BEFORE)).isEqualTo(2);
    }

    @Test
    void reservationsOlderThanTheStaleLimitHoldNoPlace() {
        LoginThrottle lost = new LoginThrottle(0, NOW, null, 3, STALE_BEFORE.minusSeconds(1));
        assertThat(lost.inFlightSince(STALE_BEFORE)).isZero();
        assertThat(lost.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isTrue();
        assertThat(lost.reserved(NOW, STALE_BEFORE).inFlight()).as("the lost ones are dropped").isOne();
        LoginThrottle live = new LoginThrottle(0, NOW, null, 3, STALE_BEFORE);
        assertThat(live.inFlightSince(STALE_BEFORE)).isEqualTo(3);
        assertThat(live.hasRoom(3, NOW, RESET_BEFORE, STALE_BEFORE)).isFalse();
        assertThat(new LoginThrottle(0, NOW, null, 2, null).inFlightSince(STALE_BEFORE)).isZero();
    }

    @Test
    void failedBelowTheThresholdCountsAndLocksNothing() {
        LoginThrottle reserved = LoginThrottle.none(NOW.minusSeconds(5)).reserved(NOW.minusSeconds(5), STALE_BEFORE);
        LoginThrottle failed = reserved.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(failed.failures()).isOne();
        assertThat(failed.lastFailureAt()).isEqualTo(NOW);
        assertThat(failed.lockedUntil()).isNull();
        assertThat(failed.inFlight()).as("settled").isZero();
        assertThat(failed.reservedAt()).isEqualTo(NOW.minusSeconds(5));
        assertThat(failed.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT).failures()).isEqualTo(2);
    }

    @Test
    void failedFromTheThresholdOnLocksForAGrowingWaitUpToTheMaximum() {
        LoginThrottle two = new LoginThrottle(2, NOW.minusSeconds(5), null, 1, NOW);
        LoginThrottle third = two.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(third.failures()).isEqualTo(3);
        assertThat(third.lockedUntil()).isEqualTo(NOW.plusSeconds(30));
        LoginThrottle fourth = third.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(fourth.lockedUntil()).isEqualTo(NOW.plusSeconds(60));
        LoginThrottle fifth = fourth.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(fifth.lockedUntil()).isEqualTo(NOW.plusSeconds(90));
        LoginThrottle sixth = fifth.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(sixth.lockedUntil()).as("at most the maximum").isEqualTo(NOW.plusSeconds(90));
        assertThat(sixth.inFlight()).as("never below zero").isZero();
    }

    @Test
    void failedWithAThresholdOfOneLocksAtTheFirstFailure() {
        LoginThrottle first = LoginThrottle.none(NOW).failed(1, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(first.failures()).isOne();
        assertThat(first.lockedUntil()).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void failedAfterTheResetWindowCountsFromOneAgainAndLiftsTheLock() {
        LoginThrottle old = new LoginThrottle(5, RESET_BEFORE.minusSeconds(1), NOW.minusSeconds(1), 0, null);
        LoginThrottle failed = old.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT);
        assertThat(failed.failures()).isOne();
        assertThat(failed.lockedUntil()).isNull();
        LoginThrottle atTheEdge = new LoginThrottle(5, RESET_BEFORE, null, 0, null);
        assertThat(atTheEdge.failed(3, NOW, RESET_BEFORE, WAIT, MAX_WAIT).failures()).isEqualTo(6);
    }

    @Test
    void settledWithoutForgettingGivesThePlaceBackAndKeepsTheCount() {
        LoginThrottle locked = new LoginThrottle(3, NOW, NOW.plusSeconds(30), 2, NOW);
        LoginThrottle settled = locked.settled(false);
        assertThat(settled.inFlight()).isOne();
        assertThat(settled.failures()).isEqualTo(3);
        assertThat(settled.lockedUntil()).isEqualTo(NOW.plusSeconds(30));
        assertThat(settled.lastFailureAt()).isEqualTo(NOW);
        assertThat(settled.reservedAt()).isEqualTo(NOW);
        assertThat(settled.settled(false).settled(false).inFlight()).as("never below zero").isZero();
    }

    @Test
    void settledAsASuccessForgetsTheFailuresAndTheLock() {
        LoginThrottle locked = new LoginThrottle(3, NOW, NOW.plusSeconds(30), 1, NOW);
        LoginThrottle forgotten = locked.settled(true);
        assertThat(forgotten.failures()).isZero();
        assertThat(forgotten.lockedUntil()).isNull();
        assertThat(forgotten.inFlight()).isZero();
        assertThat(forgotten.lastFailureAt()).isEqualTo(NOW);
        assertThat(forgotten.isEmpty()).isTrue();
        assertThat(new LoginThrottle(3, NOW, null, 1, NOW).settled(false).isEmpty()).isFalse();
        assertThat(new LoginThrottle(0, NOW, null, 2, NOW).settled(true).isEmpty()).isFalse();
    }

    @Test
    void lockForIsZeroBelowTheThresholdThenAnIncrementPerFailure() {
        assertThat(LoginThrottle.lockFor(2, 3, WAIT, MAX_WAIT)).isEqualTo(Duration.ZERO);
        assertThat(LoginThrottle.lockFor(3, 3, WAIT, MAX_WAIT)).isEqualTo(WAIT);
        assertThat(LoginThrottle.lockFor(4, 3, WAIT, MAX_WAIT)).isEqualTo(WAIT.multipliedBy(2));
        assertThat(LoginThrottle.lockFor(5, 3, WAIT, MAX_WAIT)).isEqualTo(MAX_WAIT);
        assertThat(LoginThrottle.lockFor(6, 3, WAIT, MAX_WAIT)).isEqualTo(MAX_WAIT);
    }
}
