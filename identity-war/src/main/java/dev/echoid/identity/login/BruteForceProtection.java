package dev.echoid.identity.login;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.plumbing.TrustedProxies;
import dev.echoid.identity.store.LoginThrottles;
import dev.echoid.identity.store.LoginThrottles.Allowance;
import dev.echoid.identity.store.LoginThrottles.Failures;
import dev.echoid.identity.store.LoginThrottles.Reservation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The brute-force defence, built so that nobody can turn it against someone else (OWASP's device cookies over
 * Keycloak-style growing locks). A password attempt from a browser that signed in as that user before (a genuine
 * device cookie) counts against that cookie alone. Any other attempt counts against its (user name, client address)
 * pair, its client address, and the user name from all addresses, whose high bar locks out new browsers only (and
 * the account for everyone only when the operator turns {@link LoginPolicy#accountLockout()} on). Second-step codes
 * count per user: whoever guesses them already has the password.
 *
 * <p>Every attempt is reserved before its password or code is checked ({@link #reservePassword}): parallel guesses
 * get no more checks than the allowance, while parallel right passwords wait for a place rather than being refused.
 */
public final class BruteForceProtection {

    /** How long an attempt waits for a place held by attempts in flight (a hash takes tens of milliseconds). */
    static final Duration RESERVATION_WAIT = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 50;
    /** A reservation older than this was lost (its node stopped before settling it) and no longer holds a place. */
    public static final Duration STALE_RESERVATION = Duration.ofMinutes(1);

    private final LoginThrottles throttles;
    private final LoginPolicy policy;
    private final Clock clock;
    private final Runnable onLockout;

    public BruteForceProtection(LoginThrottles throttles, LoginPolicy policy, Clock clock) {
        this(throttles, policy, clock, () -> { });
    }

    /** @param onLockout told each time a failure leaves a key locked (the lockout counter) */
    public BruteForceProtection(LoginThrottles throttles, LoginPolicy policy, Clock clock, Runnable onLockout) {
        this.throttles = throttles;
        this.policy = policy;
        this.clock = clock;
        this.onLockout = onLockout;
    }

    /** The user name from all addresses (and the name an operator unlocks); canonical. */
    public static String userKey(String username) {
        return "user:" + UserName.canonical(username);
    }

    /** One user name from one client network. */
    public static String pairKey(String username, String clientAddress) {
        return "pair:" + network(clientAddress) + " " + UserName.canonical(username);
    }

    public static String addressKey(String clientAddress) {
        return "ip:" + network(clientAddress);
    }

    /** A known browser: the nonce of its device cookie. */
    public static String deviceKey(String device) {
        return "device:" + device;
    }

    public static String secondFactorKey(UUID userId) {
        return "totp:" + userId;
    }

    /**
     * What is counted as one client: an IPv4 address, or an IPv6 /64, the block one subscriber usually holds (a
     * single host can pick any address in it).
     */
    static String network(String address) {
        Optional<byte[]> bytes = TrustedProxies.addressBytes(address);
        if (bytes.isEmpty()) {
            return String.valueOf(address);
        }
        if (bytes.get().length == 4) {
            return TrustedProxies.text(bytes.get());
        }
        byte[] prefix = bytes.get().clone();
        java.util.Arrays.fill(prefix, 8, 16, (byte) 0);
        return TrustedProxies.text(prefix) + "/64";
    }

    /**
     * Reserves a password attempt for the canonical user name from the client: empty when a lock refuses it (or no
     * place came free within {@link #RESERVATION_WAIT}). The attempt must be settled (try-with-resources).
     *
     * @param device the device cookie's nonce, when the browser presented a genuine one for this user
     */
    public Optional<Attempt> reservePassword(String username, String clientAddress, Optional<String> device) {
        List<Counter> counters = new ArrayList<>();
        if (device.isPresent()) {
            counters.add(new Counter(new Allowance(deviceKey(device.get()), username, policy.maxFailures()), true));
        } else {
            counters.add(new Counter(new Allowance(pairKey(username, clientAddress), username,
                    policy.maxFailures()), true));
            // an address may be shared (a NAT): a success there must not clear others' failures, only its own place
            counters.add(new Counter(new Allowance(addressKey(clientAddress), null,
                    policy.maxFailuresPerAddress()), false));
        }
        if (device.isEmpty() || policy.accountLockout()) {
            // a success does not clear it either: an attacker spread over many addresses must not get a fresh bar
            counters.add(new Counter(new Allowance(userKey(username), username, policy.maxFailuresPerUser()), false));
        }
        return reserve(counters);
    }

    /** Reserves a second-step attempt (a TOTP code) for the user; empty when locked. */
    public Optional<Attempt> reserveSecondFactor(UUID userId, String username) {
        return reserve(List.of(new Counter(new Allowance(secondFactorKey(userId), UserName.canonical(username),
                policy.maxFailures()), true)));
    }

    /** An operator's unlock: every key of the user name (pairs, known browsers, all addresses, second step). */
    public boolean unlock(String username) {
        return throttles.forgetUser(UserName.canonical(username));
    }

    private Optional<Attempt> reserve(List<Counter> counters) {
        List<Allowance> allowances = counters.stream().map(Counter::allowance).toList();
        long deadline = System.nanoTime() + RESERVATION_WAIT.toNanos();
        while (true) {
            Instant now = clock.instant();
            Reservation reservation = throttles.reserve(allowances, now, now.minus(policy.failureReset()),
                    now.minus(STALE_RESERVATION));
            if (reservation == Reservation.RESERVED) {
                return Optional.of(new Attempt(counters));
            }
            if (reservation == Reservation.LOCKED || System.nanoTime() > deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private record Counter(Allowance allowance, boolean forgetOnSuccess) {
    }

    /** A reserved attempt: settle it once, as a failure, a success, or neither (close). */
    public final class Attempt implements AutoCloseable {

        private final List<Counter> counters;
        private boolean settled;

        private Attempt(List<Counter> counters) {
            this.counters = counters;
        }

        /** A wrong password or code: counted on every key, which locks at its threshold. */
        public void failed() {
            settle();
            Instant now = clock.instant();
            for (Counter counter : counters) {
                Failures failures = throttles.fail(counter.allowance(), now, now.minus(policy.failureReset()),
                        policy.waitIncrement(), policy.maxWait());
                if (failures.count() >= counter.allowance().threshold()) {
                    onLockout.run();
                }
            }
        }

        /** The right password or code: the pair's (or cookie's, or second step's) failures are forgotten. */
        public void succeeded() {
            settle();
            for (Counter counter : counters) {
                throttles.settle(counter.allowance().key(), counter.forgetOnSuccess());
            }
        }

        /** Gives the places back uncounted unless settled already (a disabled account, an error). */
        @Override
        public void close() {
            if (!settled) {
                settle();
                for (Counter counter : counters) {
                    throttles.settle(counter.allowance().key(), false);
                }
            }
        }

        private void settle() {
            if (settled) {
                throw new IllegalStateException("an attempt is settled once");
            }
            settled = true;
        }
    }
}
