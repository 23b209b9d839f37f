package dev.echoid.identity.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Failed sign-in attempts per key (a user name and address, an address, a device cookie, a user name from all
 * addresses, a second-factor user), and the attempts in flight: each attempt reserves its place before its check
 * runs, so parallel attempts cannot pass the allowance.
 */
public interface LoginThrottles {

    /** The state of one key after a failure was counted. */
    record Failures(int count, Instant lockedUntil) {
    }

    /**
     * One key an attempt counts against.
     *
     * @param username  the canonical user name it belongs to (null for an address)
     * @param threshold failures before it locks
     */
    record Allowance(String key, String username, int threshold) {
    }

    /** What a reservation found. */
    enum Reservation {
        /** Every key had room: the attempt may be checked, and must be settled. */
        RESERVED,
        /** A key is locked: refuse the attempt. */
        LOCKED,
        /** A key's allowance is held by attempts still in flight: nothing reserved; try again shortly. */
        BUSY
    }

    /**
     * Reserves one attempt on every key at once, or on none: a key has room when it is not locked and its attempts in
     * flight are fewer than its threshold less its failures (at least one, so a lapsed lock lets one attempt
     * through). Failures older than {@code resetBefore}, and reservations older than {@code staleBefore}, count as
     * none.
     */
    Reservation reserve(List<Allowance> allowances, Instant now, Instant resetBefore, Instant staleBefore);

    /**
     * Settles a reservation as a failure: counted, and at the threshold the key is locked for {@code waitIncrement}
     * per failure from the threshold on, at most {@code maxWait} ({@code LoginPolicy.lockAfter}).
     */
    Failures fail(Allowance allowance, Instant now, Instant resetBefore, Duration waitIncrement, Duration maxWait);

    /** Settles a reservation without a failure; {@code forget}: the key's failures and lock go too (a success). */
    void settle(String key, boolean forget);

    /** An operator's unlock: forgets every key of the canonical user name; true when there was something. */
    boolean forgetUser(String username);

    /** Until when the key is locked, if it is locked now. */
    Optional<Instant> lockedUntil(String key, Instant now);

    /**
     * Counts a failure; the count starts again at one when the last failure is older than {@code resetBefore}.
     * The caller decides the lock from the returned count and records it with {@link #lock}.
     */
    int recordFailure(String key, Instant now, Instant resetBefore);

    void lock(String key, Instant until);

    /** Forgets the key (an operator's unlock); true when there was something to forget. */
    boolean reset(String key);
}
