package dev.echoid.identity.login;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.store.LoginThrottles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Counts failed sign-in attempts per user name (known or not, so a lockout reveals nothing), per remote address and
 * per second-factor user, and locks a key for a growing time once it passes its threshold.
 */
public final class BruteForceProtection {

    private final LoginThrottles throttles;
    private final LoginPolicy policy;
    private final Clock clock;
    private final Runnable onLockout;

    public BruteForceProtection(LoginThrottles throttles, LoginPolicy policy, Clock clock) {
        this(throttles, policy, clock, () -> { });
    }

    /** @param onLockout told each time a key is locked (the lockout counter) */
    public BruteForceProtection(LoginThrottles throttles, LoginPolicy policy, Clock clock, Runnable onLockout) {
        this.throttles = throttles;
        this.policy = policy;
        this.clock = clock;
        this.onLockout = onLockout;
    }

    public static String userKey(String username) {
        return "user:" + username.trim().toLowerCase(Locale.ROOT);
    }

    public static String addressKey(String remoteAddress) {
        return "ip:" + remoteAddress;
    }

    public static String secondFactorKey(UUID userId) {
        return "totp:" + userId;
    }

    /** True when any of the keys is locked now. */
    public boolean isLocked(String... keys) {
        Instant now = clock.instant();
        for (String key : keys) {
            if (throttles.lockedUntil(key, now).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** Counts a failure against the user (or second-factor) key and the address key. */
    public void failed(String accountKey, String remoteAddress) {
        count(accountKey, policy.maxFailures());
        count(addressKey(remoteAddress), policy.maxFailuresPerAddress());
    }

    /** A success forgets the account's failures (not the address's: a valid account must not clear them). */
    public void succeeded(String accountKey) {
        throttles.reset(accountKey);
    }

    /** An operator's unlock of a user name; true when it had failures recorded. */
    public boolean unlock(String username) {
        return throttles.reset(userKey(username));
    }

    private void count(String key, int threshold) {
        Instant now = clock.instant();
        int failures = throttles.recordFailure(key, now, now.minus(policy.failureReset()));
        Duration lock = policy.lockAfter(failures, threshold);
        if (!lock.isZero()) {
            throttles.lock(key, now.plus(lock));
            onLockout.run();
        }
    }
}
