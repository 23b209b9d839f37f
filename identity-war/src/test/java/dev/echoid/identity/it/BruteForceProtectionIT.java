package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.login.BruteForceProtection.Attempt;
import dev.echoid.identity.store.JdbcLoginThrottles;
import dev.echoid.identity.store.LoginThrottles.Allowance;
import dev.echoid.identity.store.LoginThrottles.Reservation;
import dev.echoid.identity.token.MutableClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The brute-force defence's counting on a real PostgreSQL, with a clock the test moves: which keys an attempt counts
 * against, who a lock stops (and who it never stops), the reservation that parallel attempts cannot outrun, and
 * the operator's unlock.
 */
@ExtendWith(PostgresExtension.class)
class BruteForceProtectionIT {

    // 3 per (name, address) and per known browser, 5 per address, 6 per name from all addresses; 30 s, 60 s, 90 s
    private static final LoginPolicy POLICY = policy(false);
    private static PGSimpleDataSource database;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final AtomicInteger lockouts = new AtomicInteger();
    private JdbcLoginThrottles throttles;
    private BruteForceProtection protection;

    @BeforeAll
    static void migrate() throws Exception {
        try (Connection admin = PostgresExtension.dataSource().getConnection();
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS brute_force");
            sql.execute("CREATE DATABASE brute_force");
        }
        database = new PGSimpleDataSource();
        database.setUrl(System.getProperty("IDENTITY_DB_URL").replace("/postgres?", "/brute_force?"));
        database.setUser("postgres");
        database.setPassword("postgres");
        Flyway.configure().dataSource(database).locations("classpath:db/migrations").load().migrate();
    }

    private BruteForceProtection protection() {
        if (protection == null) {
            throttles = new JdbcLoginThrottles(database);
            protection = new BruteForceProtection(throttles, POLICY, clock, lockouts::incrementAndGet);
        }
        return protection;
    }

    private static LoginPolicy policy(boolean accountLockout) {
        return new LoginPolicy(3, 5, 6, accountLockout, Duration.ofSeconds(30), Duration.ofSeconds(90),
                Duration.ofHours(12), 12, false, false);
    }

    private static String name() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int addresses = 0;

    private static synchronized String address() {
        addresses++;
        return "192.0." + (addresses / 250) + "." + (addresses % 250 + 1);
    }

    private static String device() {
        return UUID.randomUUID().toString();
    }

    private boolean fail(String user, String address) {
        return fail(user, address, Optional.empty());
    }

    /** A wrong password; false when the attempt was refused before any check. */
    private boolean fail(String user, String address, Optional<String> device) {
        Optional<Attempt> attempt = protection().reservePassword(user, address, device);
        attempt.ifPresent(Attempt::failed);
        return attempt.isPresent();
    }

    private boolean succeed(String user, String address, Optional<String> device) {
        Optional<Attempt> attempt = protection().reservePassword(user, address, device);
        attempt.ifPresent(Attempt::succeeded);
        return attempt.isPresent();
    }

    private boolean mayTry(String user, String address, Optional<String> device) {
        Optional<Attempt> attempt = protection().reservePassword(user, address, device);
        attempt.ifPresent(Attempt::close);
        return attempt.isPresent();
    }

    @Test
    void failedWhenBelowThresholdThenNotLockedAndAtThresholdThenLockedForTheIncrement() {
        String user = name();
        String address = address();
        assertThat(fail(user, address)).isTrue();
        assertThat(fail(user, address)).isTrue();
        assertThat(mayTry(user, address, Optional.empty())).isTrue();
        assertThat(fail(user, address)).isTrue();
        assertThat(lockouts).hasValue(1);
        assertThat(mayTry(user, address, Optional.empty())).as("locked").isFalse();
        clock.advance(Duration.ofSeconds(29));
        assertThat(mayTry(user, address, Optional.empty())).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(mayTry(user, address, Optional.empty())).as("after the increment").isTrue();
        // one more failure after the lapse: locked again, for twice the increment (LoginPolicy.lockAfter)
        assertThat(fail(user, address)).isTrue();
        assertThat(throttles.lockedUntil(BruteForceProtection.pairKey(user, address), clock.instant()))
                .hasValue(clock.instant().plusSeconds(60));
    }

    @Test
    void failedWhenOneClientLocksANameThenOtherAddressesAndKnownBrowsersStillTry() {
        String user = name();
        String attacker = address();
        for (int i = 0; i < 3; i++) {
            fail(user, attacker);
        }
        assertThat(mayTry(user, attacker, Optional.empty())).isFalse();
        assertThat(mayTry(user, address(), Optional.empty())).as("the same name from another address").isTrue();
        assertThat(mayTry(user, attacker, Optional.of(device()))).as("a known browser at the attacker's address")
                .isTrue();
    }

    @Test
    void failedWhenManyUserNamesFromOneAddressThenTheAddressLocksButNotTheNamesNorKnownBrowsers() {
        String address = address();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            names.add(name());
            fail(names.get(i), address);
        }
        assertThat(mayTry(name(), address, Optional.empty())).as("a sixth name from the address").isFalse();
        assertThat(mayTry(names.get(0), address(), Optional.empty())).isTrue();
        assertThat(mayTry(names.get(0), address, Optional.of(device()))).isTrue();
    }

    @Test
    void failedWhenTheNameFailsFromManyAddressesThenNewBrowsersLockedOutButKnownOnesNot() {
        String user = name();
        for (int i = 0; i < 6; i++) {
            assertThat(fail(user, address())).isTrue();
        }
        assertThat(mayTry(user, address(), Optional.empty())).as("a new browser: past the bar of the name").isFalse();
        assertThat(mayTry(user, address(), Optional.of(device()))).as("a known browser").isTrue();
    }

    @Test
    void accountLockoutWhenTurnedOnThenTheBarLocksKnownBrowsersToo() {
        BruteForceProtection strict = new BruteForceProtection(new JdbcLoginThrottles(database), policy(true), clock);
        String user = name();
        for (int i = 0; i < 6; i++) {
            strict.reservePassword(user, address(), Optional.empty()).orElseThrow().failed();
        }
        assertThat(strict.reservePassword(user, address(), Optional.of(device()))).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(strict.reservePassword(user, address(), Optional.of(device()))).isPresent();
    }

    @Test
    void failedWhenAKnownBrowserFailsThenOnlyThatBrowserLocks() {
        String user = name();
        String address = address();
        String mine = device();
        for (int i = 0; i < 3; i++) {
            assertThat(fail(user, address, Optional.of(mine))).isTrue();
        }
        assertThat(mayTry(user, address, Optional.of(mine))).as("the cookie's own allowance is used up").isFalse();
        assertThat(mayTry(user, address, Optional.of(device()))).as("another known browser").isTrue();
        assertThat(mayTry(user, address, Optional.empty())).as("a new browser at the same address").isTrue();
    }

    @Test
    void succeededThenThePairForgottenButTheAddressAndTheNameKept() {
        String user = name();
        String address = address();
        fail(user, address);
        fail(user, address);
        assertThat(succeed(user, address, Optional.empty())).isTrue();
        fail(user, address);
        fail(user, address);
        assertThat(mayTry(user, address, Optional.empty())).as("the pair's count restarted").isTrue();
        // the address kept its 4 failures: one more from any name locks it
        fail(name(), address);
        assertThat(mayTry(name(), address, Optional.empty())).isFalse();
    }

    @Test
    void failedWhenLastFailureOlderThanResetTimeThenCountStartsAgain() {
        String user = name();
        String address = address();
        fail(user, address);
        fail(user, address);
        clock.advance(Duration.ofHours(13));
        fail(user, address);
        assertThat(mayTry(user, address, Optional.empty())).isTrue();
    }

    @Test
    void unlockThenEveryKeyOfTheNameClearedButOtherNamesKept() {
        String user = name();
        String other = name();
        String address = address();
        String browser = device();
        UUID id = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            fail(user, address);
            fail(user, address(), Optional.of(browser));
            protection().reserveSecondFactor(id, user).orElseThrow().failed();
        }
        for (int i = 0; i < 3; i++) {
            fail(user, address());
        }
        for (int i = 0; i < 3; i++) {
            fail(other, address());
        }
        assertThat(protection().reserveSecondFactor(id, user)).isEmpty();

        assertThat(protection().unlock(user.toUpperCase(java.util.Locale.ROOT))).isTrue();

        assertThat(mayTry(user, address, Optional.empty())).isTrue();
        assertThat(mayTry(user, address(), Optional.of(browser))).isTrue();
        assertThat(protection().reserveSecondFactor(id, user)).hasValueSatisfying(Attempt::close);
        assertThat(protection().unlock(user)).as("nothing left").isFalse();
        assertThat(throttles.lockedUntil(BruteForceProtection.userKey(user), clock.instant())).isEmpty();
        assertThat(mayTry(other, address(), Optional.empty())).isTrue();
    }

    @Test
    void reserveWhenTheAllowanceIsInFlightThenBusyUntilSettledOrStale() {
        JdbcLoginThrottles store = new JdbcLoginThrottles(database);
        Allowance key = new Allowance("pair:test " + name(), "x", 3);
        Instant now = clock.instant();
        Instant reset = now.minus(Duration.ofHours(12));
        Instant stale = now.minus(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertThat(store.reserve(List.of(key), now, reset, stale)).isEqualTo(Reservation.RESERVED);
        }
        assertThat(store.reserve(List.of(key), now, reset, stale)).isEqualTo(Reservation.BUSY);
        store.settle(key.key(), true);
        assertThat(store.reserve(List.of(key), now, reset, stale)).isEqualTo(Reservation.RESERVED);
        assertThat(store.reserve(List.of(key), now, reset, stale)).isEqualTo(Reservation.BUSY);
        // a node stopped with attempts in flight: a minute later they no longer hold the places
        Instant later = now.plus(Duration.ofSeconds(61));
        assertThat(store.reserve(List.of(key), later, reset, later.minus(Duration.ofMinutes(1))))
                .isEqualTo(Reservation.RESERVED);
    }

    @Test
    void reserveWhenOneKeyIsFullThenNoKeyIsReserved() {
        JdbcLoginThrottles store = new JdbcLoginThrottles(database);
        Allowance roomy = new Allowance("ip:test " + name(), null, 10);
        Allowance full = new Allowance("pair:test " + name(), "x", 1);
        Instant now = clock.instant();
        Instant reset = now.minus(Duration.ofHours(12));
        Instant stale = now.minus(Duration.ofMinutes(1));
        assertThat(store.reserve(List.of(full), now, reset, stale)).isEqualTo(Reservation.RESERVED);
        for (int i = 0; i < 20; i++) {
            assertThat(store.reserve(List.of(roomy, full), now, reset, stale)).isEqualTo(Reservation.BUSY);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(store.reserve(List.of(roomy), now, reset, stale)).as("roomy got nothing from the refusals")
                    .isEqualTo(Reservation.RESERVED);
        }
    }

    @Test
    void fiftyParallelWrongPasswordsGetNoMoreChecksThanTheAllowance() throws Exception {
        String user = name();
        String address = address();
        AtomicInteger checked = new AtomicInteger();
        List<Boolean> results = parallel(50, () -> {
            Optional<Attempt> attempt = protection().reservePassword(user, address, Optional.empty());
            if (attempt.isEmpty()) {
                return false;
            }
            checked.incrementAndGet();
            Thread.sleep(50); // the hash
            attempt.get().failed();
            return true;
        });
        assertThat(checked).as("the clock stands still: no lock runs out").hasValue(3);
        assertThat(results.stream().filter(r -> r).count()).isEqualTo(3);
        assertThat(lockouts).hasValue(1);
    }

    @Test
    void tenParallelRightPasswordsAllGetThroughAnAllowanceOfThree() throws Exception {
        String user = name();
        String address = address();
        List<Boolean> results = parallel(10, () -> {
            Optional<Attempt> attempt = protection().reservePassword(user, address, Optional.empty());
            if (attempt.isEmpty()) {
                return false;
            }
            Thread.sleep(50);
            attempt.get().succeeded();
            return true;
        });
        assertThat(results).containsOnly(true);
        assertThat(mayTry(user, address, Optional.empty())).isTrue();
    }

    private interface Task {
        boolean run() throws Exception;
    }

    private static List<Boolean> parallel(int count, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run();
                }));
            }
            start.countDown();
            List<Boolean> results = new ArrayList<>();
            for (Future<Boolean> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
