package dev.echoid.identity.security;

import java.time.Duration;
import java.time.Instant;

/**
 * One throttle key's state (a user name and address, an address, a device cookie, a user name from all addresses, a
 * second-factor user: {@code store.LoginThrottles}) and the rules that change it: whether an attempt may be
 * checked, what a failure counts and how long it locks, what a success forgets. The in-memory store of the tests
 * decides by it; {@code store.JdbcLoginThrottles} does the same in one SQL statement per step (a read under the row's
 * lock and a write back held the lock of a flooded address's row three round trips: docs/security.md).
 *
 * @param failures      failed attempts counted
 * @param lastFailureAt the latest failure (or when the row was made); failures older than the reset window count as
 *                      none
 * @param lockedUntil   attempts are refused before this; null when not locked
 * @param inFlight      attempts reserved and not settled yet
 * @param reservedAt    the latest reservation, null when none; once it is stale, what is in flight was lost (its
 *                      node stopped before settling it) and holds no place
 */
public record LoginThrottle(int failures, Instant lastFailureAt, Instant lockedUntil, int inFlight,
        Instant reservedAt) {

    /** A key that has no row yet: nothing counted, nothing in flight. */
    public static LoginThrottle none(Instant now) {
        return new LoginThrottle(0, now, null, 0, null);
    }

    /** How long a key is locked after its {@code failures}-th failure: an increment per failure from the threshold. */
    public static Duration lockFor(int failures, int threshold, Duration waitIncrement, Duration maxWait) {
        if (failures < threshold) {
            return Duration.ZERO;
        }
        Duration wait = waitIncrement.multipliedBy(failures - threshold + 1L);
        return wait.compareTo(maxWait) > 0 ? maxWait : wait;
    }

    public boolean isLocked(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }

    /** The failures that still count: none once the latest is older than {@code resetBefore}. */
    public int failuresSince(Instant resetBefore) {
        return lastFailureAt != null && lastFailureAt.isBefore(resetBefore) ? 0 : failures;
    }

    /** The attempts that still hold a place: none once the latest reservation is older than {@code staleBefore}. */
    public int inFlightSince(Instant staleBefore) {
        return reservedAt == null || reservedAt.isBefore(staleBefore) ? 0 : inFlight;
    }

    /**
     * May one more attempt be checked? Not while locked; otherwise while fewer are in flight than the threshold
     * less the failures, and at least one, so a lapsed lock lets one attempt through.
     */
    public boolean hasRoom(int threshold, Instant now, Instant resetBefore, Instant staleBefore) {
        return !isLocked(now) && inFlightSince(staleBefore) < Math.max(1, threshold - failuresSince(resetBefore));
    }

    /** One more attempt in flight (once {@link #hasRoom} said so); lost reservations no longer count. */
    public LoginThrottle reserved(Instant now, Instant staleBefore) {
        return new LoginThrottle(failures, lastFailureAt, lockedUntil, inFlightSince(staleBefore) + 1, now);
    }

    /**
     * An attempt settled as a failure: counted (from one again when the last failure is older than
     * {@code resetBefore}), and from the threshold on the key is locked for {@link #lockFor}; below it, unlocked.
     */
    public LoginThrottle failed(int threshold, Instant now, Instant resetBefore, Duration waitIncrement,
            Duration maxWait) {
        int count = lastFailureAt != null && lastFailureAt.isBefore(resetBefore) ? 1 : failures + 1;
        Instant lock = count >= threshold ? now.plus(lockFor(count, threshold, waitIncrement, maxWait)) : null;
        return new LoginThrottle(count, now, lock, Math.max(inFlight - 1, 0), reservedAt);
    }

    /** An attempt settled without a failure; {@code forget} (a success): the failures and the lock go too. */
    public LoginThrottle settled(boolean forget) {
        int left = Math.max(inFlight - 1, 0);
        return forget ? new LoginThrottle(0, lastFailureAt, null, left, reservedAt)
                : new LoginThrottle(failures, lastFailureAt, lockedUntil, left, reservedAt);
    }

    /** Nothing counted and nothing in flight: the key is as good as no row. */
    public boolean isEmpty() {
        return failures == 0 && inFlight == 0;
    }
}
