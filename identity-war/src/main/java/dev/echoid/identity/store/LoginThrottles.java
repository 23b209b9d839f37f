package dev.echoid.identity.store;

import java.time.Instant;
import java.util.Optional;

/** Failed sign-in attempts per key (a user name, an address, a second-factor user). */
public interface LoginThrottles {

    /** The state of one key after a failure was counted. */
    record Failures(int count, Instant lockedUntil) {
    }

    /** Until when the key is locked, if it is locked now. */
    Optional<Instant> lockedUntil(String key, Instant now);

    /**
     * Counts a failure; the count starts again at one when the last failure is older than {@code resetBefore}.
     * The caller decides the lock from the returned count and records it with {@link #lock}.
     */
    int recordFailure(String key, Instant now, Instant resetBefore);

    void lock(String key, Instant until);

    /** Forgets the key (after a success, or an operator's unlock); true when there was something to forget. */
    boolean reset(String key);
}
