package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.fixtures.InMemoryLoginThrottles;
import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Password sign-in and the brute-force defence's decisions, without a database: the same refusal for every
 * failure, counted per pair, address and user; the lock, its growing wait and its end; a known browser's own
 * allowance; an operator's unlock. BruteForceProtectionIT and LockoutIT prove the counting on PostgreSQL.
 */
class AuthenticatorTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String ADDRESS = "198.51.100.7";
    /** 3 failures per pair, 5 per address, 10 per user; 30 s more wait per failure, at most 90 s. */
    private static final LoginPolicy POLICY = new LoginPolicy(3, 5, 10, false, Duration.ofSeconds(30),
            Duration.ofSeconds(90), Duration.ofHours(12), 12, false, false);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final InMemoryLoginThrottles throttles = new InMemoryLoginThrottles();
    private final HashingBudget budget = new HashingBudget(2, 0, Duration.ZERO);
    private final PasswordHasher hasher = new PasswordHasher(1024, 1, 1, budget);
    private final DeviceCookies deviceCookies = new DeviceCookies(RandomTokens.bytes(32), true);
    private int lockouts;
    private final BruteForceProtection bruteForce = new BruteForceProtection(throttles, POLICY, clock,
            () -> lockouts++);
    private final Authenticator authenticator = new Authenticator(stores.users, hasher, stores.audit, bruteForce,
            deviceCookies);
    private final User ada = new User(UUID.randomUUID(), "ada", hasher.hash(PASSWORD), "Ada", "ada@example.com", true,
            true);

    AuthenticatorTest() {
        stores.users.createIfAbsent(ada);
    }

    @Test
    void rightPasswordSignsInAndIsAudited() {
        assertThat(authenticator.authenticate("Ada", PASSWORD, "app", ADDRESS, "login-1")).contains(ada);
        assertThat(stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.LOGIN_SUCCEEDED);
            assertThat(event.userId()).isEqualTo(ada.id());
            assertThat(event.username()).isEqualTo("ada");
            assertThat(event.clientId()).isEqualTo("app");
            assertThat(event.remoteAddress()).isEqualTo(ADDRESS);
            assertThat(event.loginId()).isEqualTo("login-1");
        });
        assertThat(throttles.rows.values()).allSatisfy(row -> assertThat(row.inFlight).isZero());
    }

    @Test
    void everyRefusalLooksTheSameAndSaysWhyOnlyInTheAuditTrail() {
        User off = new User(UUID.randomUUID(), "off", hasher.hash(PASSWORD), "Off", "off@example.com", true, false);
        stores.users.createIfAbsent(off);

        assertThat(authenticator.authenticate("nobody", PASSWORD, "app", ADDRESS, "l")).isEmpty();
        assertThat(authenticator.authenticate("ada", "wrong", "app", "198.51.100.8", "l")).isEmpty();
        assertThat(authenticator.authenticate("off", PASSWORD, "app", "198.51.100.9", "l")).isEmpty();
        assertThat(authenticator.authenticate("  ", PASSWORD, "app", ADDRESS, "l")).isEmpty();
        assertThat(authenticator.authenticate("ada", "x".repeat(PasswordHasher.MAX_LENGTH + 1), "app", ADDRESS, "l"))
                .isEmpty();
        assertThat(authenticator.authenticate("a".repeat(201), PASSWORD, "app", ADDRESS, "l")).isEmpty();
        assertThat(authenticator.authenticate("ada", null, "app", "198.51.100.10", "l")).isEmpty();

        assertThat(stores.auditRows).extracting(AuditEvent::detail).containsExactly("unknown user", "wrong password",
                "account disabled", "malformed credentials", "malformed credentials", "malformed credentials",
                "wrong password");
        assertThat(stores.auditRows).allSatisfy(event -> assertThat(event.type())
                .isEqualTo(AuditEvent.Type.LOGIN_FAILED));
        assertThat(stores.auditRows.get(0).userId()).isNull();
        assertThat(stores.auditRows.get(1).userId()).isEqualTo(ada.id());
        assertThat(stores.auditRows.get(2).userId()).isEqualTo(off.id());
        // a disabled account's right password is no failure to count
        assertThat(throttles.row(BruteForceProtection.pairKey("off", "198.51.100.9")).failures).isZero();
        assertThat(throttles.row(BruteForceProtection.pairKey("ada", "198.51.100.8")).failures).isOne();
    }

    @Test
    void threeWrongPasswordsLockThePairThenTheRightOneIsRefusedUntilTheWaitEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(authenticator.authenticate("ada", "wrong " + i, "app", ADDRESS, "l")).isEmpty();
        }
        assertThat(lockouts).isOne();
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l")).isEmpty();
        assertThat(stores.auditRows.get(3).detail()).isEqualTo(Authenticator.LOCKED);
        // another network is not locked out by this one's guesses
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", "203.0.113.50", "l")).contains(ada);

        clock.advance(Duration.ofSeconds(29));
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l")).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l")).contains(ada);
        // the success forgets the pair's failures
        assertThat(throttles.row(BruteForceProtection.pairKey("ada", ADDRESS)).failures).isZero();
    }

    @Test
    void failuresAfterTheLockWaitLongerUpToTheMaximum() {
        for (int i = 0; i < 3; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        }
        Instant first = throttles.row(BruteForceProtection.pairKey("ada", ADDRESS)).lockedUntil;
        assertThat(first).isEqualTo(clock.instant().plusSeconds(30));
        clock.advance(Duration.ofSeconds(31));
        authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        assertThat(throttles.row(BruteForceProtection.pairKey("ada", ADDRESS)).lockedUntil)
                .isEqualTo(clock.instant().plusSeconds(60));
        assertThat(lockouts).isEqualTo(2);
    }

    @Test
    void knownBrowserCountsAgainstItsCookieOnlyAndIsNotLockedByOthers() {
        // an attacker locks the pair and the address
        for (int i = 0; i < 5; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
            clock.advance(Duration.ofSeconds(100));
        }
        String cookie = knownBrowserCookie();
        assertThat(deviceCookies.device("ada", cookie)).isPresent();
        for (int i = 0; i < 3; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        }
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", new ClientDevice(ADDRESS, cookie), "l"))
                .as("the owner's browser still signs in").contains(ada);

        for (int i = 0; i < 3; i++) {
            authenticator.authenticate("ada", "wrong", "app", new ClientDevice(ADDRESS, cookie), "l");
        }
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", new ClientDevice(ADDRESS, cookie), "l"))
                .as("guesses with a stolen cookie lock that cookie").isEmpty();
    }

    @Test
    void unlockForgetsEveryKeyOfTheUser() {
        for (int i = 0; i < 3; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        }
        assertThat(bruteForce.unlock("ADA")).isTrue();
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l")).contains(ada);
        assertThat(bruteForce.unlock("nobody")).isFalse();
    }

    @Test
    void passwordUnderOutdatedParametersIsRehashedAtSignIn() {
        PasswordHasher older = new PasswordHasher(512, 1, 1, new HashingBudget(2, 0, Duration.ZERO));
        User old = new User(UUID.randomUUID(), "old", older.hash(PASSWORD), "Old", "old@example.com", true, true);
        stores.users.createIfAbsent(old);
        assertThat(authenticator.authenticate("old", PASSWORD, "app", ADDRESS, "l")).isPresent();
        String rehashed = stores.users.find(old.id()).orElseThrow().passwordHash();
        assertThat(rehashed).isNotEqualTo(old.passwordHash());
        assertThat(hasher.needsRehash(rehashed)).isFalse();
        assertThat(hasher.verify(PASSWORD, rehashed)).isTrue();
    }

    @Test
    void nameStoredBeforeCanonicalNamesIsFoundAsTyped() {
        User legacy = new User(UUID.randomUUID(), "Straße", hasher.hash(PASSWORD), "S", "s@example.com", true, true);
        stores.users.createIfAbsent(legacy);
        assertThat(authenticator.authenticate(" Straße ", PASSWORD, "app", ADDRESS, "l")).contains(legacy);
    }

    @Test
    void addressesAreCountedByNetwork() {
        assertThat(BruteForceProtection.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(BruteForceProtection.network("2001:db8:1:2:3:4:5:6")).isEqualTo(
                BruteForceProtection.network("2001:db8:1:2:ffff::1")).endsWith("/64");
        assertThat(BruteForceProtection.network("not an address")).isEqualTo("not an address");
        assertThat(BruteForceProtection.addressKey("198.51.100.7")).isEqualTo("ip:198.51.100.7");
        assertThat(BruteForceProtection.deviceKey("n")).isEqualTo("device:n");
    }

    @Test
    void everyRefusalCostsOneHashLikeASuccessSoTimingRevealsNothing() {
        long before = budget.computed();
        authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l");
        long success = budget.computed() - before;
        assertThat(success).isOne();
        String[][] refusals = {{"nobody", PASSWORD}, {"ada", "wrong"}, {" ", PASSWORD},
                {"ada", "x".repeat(PasswordHasher.MAX_LENGTH + 1)}, {"a".repeat(201), PASSWORD}};
        for (String[] refusal : refusals) {
            long start = budget.computed();
            assertThat(authenticator.authenticate(refusal[0], refusal[1], "app", "203.0.113.9", "l")).isEmpty();
            assertThat(budget.computed() - start).as(refusal[0]).isEqualTo(success);
        }
        for (int i = 0; i < 3; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        }
        long locked = budget.computed();
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l")).isEmpty();
        assertThat(stores.auditRows.get(stores.auditRows.size() - 1).detail()).isEqualTo(Authenticator.LOCKED);
        assertThat(budget.computed() - locked).as("locked").isEqualTo(success);
    }

    @Test
    void namesUpTo200CharactersAndPasswordsUpToTheMaximumAreChecked() {
        User longName = new User(UUID.randomUUID(), "a".repeat(200), hasher.hash("x".repeat(PasswordHasher.MAX_LENGTH)),
                "L", "l@example.com", true, true);
        stores.users.createIfAbsent(longName);
        assertThat(authenticator.authenticate("a".repeat(200), "x".repeat(PasswordHasher.MAX_LENGTH), "app", ADDRESS,
                "l")).contains(longName);
        assertThat(authenticator.authenticate("a".repeat(201), "x", "app", ADDRESS, "l")).isEmpty();
        assertThat(stores.auditRows.get(stores.auditRows.size() - 1).detail()).isEqualTo("malformed credentials");
    }

    @Test
    void unknownUsersFailuresAreCountedOnEveryKeySoNamesCannotBeProbedFreely() {
        for (int i = 0; i < 3; i++) {
            assertThat(authenticator.authenticate("nobody", PASSWORD, "app", ADDRESS, "l")).isEmpty();
        }
        assertThat(throttles.row(BruteForceProtection.pairKey("nobody", ADDRESS)).failures).isEqualTo(3);
        assertThat(throttles.row(BruteForceProtection.addressKey(ADDRESS)).failures).isEqualTo(3);
        assertThat(throttles.row(BruteForceProtection.userKey("nobody")).failures).isEqualTo(3);
        assertThat(lockouts).as("the pair locked").isOne();
        assertThat(throttles.rows.values()).allSatisfy(row -> assertThat(row.inFlight).isZero());
    }

    @Test
    void successKeepsTheAddressAndUserCountsButGivesTheirPlacesBack() {
        authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l")).contains(ada);
        assertThat(throttles.row(BruteForceProtection.pairKey("ada", ADDRESS)).failures).isZero();
        assertThat(throttles.row(BruteForceProtection.addressKey(ADDRESS)).failures).isOne();
        assertThat(throttles.row(BruteForceProtection.userKey("ada")).failures).isOne();
        assertThat(throttles.rows.values()).allSatisfy(row -> assertThat(row.inFlight).isZero());
    }

    @Test
    void disabledAccountGivesItsPlacesBackUncounted() {
        stores.users.setEnabled(ada.id(), false);
        authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l");
        assertThat(throttles.rows).as("nothing counted, nothing in flight").isEmpty();
    }

    @Test
    void accountLockoutLocksOutKnownBrowsersTooOnceTheUserNameIsOverItsBar() {
        LoginPolicy lockout = new LoginPolicy(3, 5, 10, true, Duration.ofSeconds(30), Duration.ofSeconds(90),
                Duration.ofHours(12), 12, false, false);
        Authenticator strict = new Authenticator(stores.users, hasher, stores.audit,
                new BruteForceProtection(throttles, lockout, clock), deviceCookies);
        String cookie = knownBrowserCookie();
        // guesses spread over ten addresses: no pair or address is over its bar, the user name is
        for (int i = 0; i < 10; i++) {
            authenticator.authenticate("ada", "wrong", "app", "203.0.113." + i, "l");
        }
        assertThat(throttles.row(BruteForceProtection.userKey("ada")).lockedUntil).isNotNull();
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", new ClientDevice(ADDRESS, cookie), "l"))
                .as("without account lockout the owner's browser still signs in").contains(ada);
        assertThat(strict.authenticate("ada", PASSWORD, "app", new ClientDevice(ADDRESS, cookie), "l"))
                .as("with it, not even the owner's browser").isEmpty();
        assertThat(stores.auditRows.get(stores.auditRows.size() - 1).detail()).isEqualTo(Authenticator.LOCKED);
    }

    @Test
    void attemptWaitsForAPlaceHeldByAnotherInFlightAndGetsItWhenFreed() throws Exception {
        for (int i = 0; i < 2; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        }
        // one place left on the pair, held by an attempt whose hash is running
        BruteForceProtection.Attempt held = bruteForce.reservePassword("ada", ADDRESS, Optional.empty())
                .orElseThrow();
        Thread settler = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        settler.start();
        assertThat(authenticator.authenticate("ada", PASSWORD, "app", ADDRESS, "l"))
                .as("a right password waits for the place rather than being refused").contains(ada);
        settler.join();
    }

    @Test
    void attemptInterruptedWhileWaitingGivesUpAndKeepsTheInterrupt() {
        for (int i = 0; i < 2; i++) {
            authenticator.authenticate("ada", "wrong", "app", ADDRESS, "l");
        }
        BruteForceProtection.Attempt held = bruteForce.reservePassword("ada", ADDRESS, Optional.empty())
                .orElseThrow();
        Thread.currentThread().interrupt();
        try {
            assertThat(bruteForce.reservePassword("ada", ADDRESS, Optional.empty())).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            held.close();
        }
    }

    @Test
    void anAttemptIsSettledOnce() {
        BruteForceProtection.Attempt failed = bruteForce.reservePassword("ada", ADDRESS, Optional.empty())
                .orElseThrow();
        failed.failed();
        assertThatThrownBy(failed::failed).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(failed::succeeded).isInstanceOf(IllegalStateException.class);
        failed.close();
        assertThat(throttles.row(BruteForceProtection.pairKey("ada", ADDRESS)).failures).isOne();

        BruteForceProtection.Attempt succeeded = bruteForce.reservePassword("ada", ADDRESS, Optional.empty())
                .orElseThrow();
        succeeded.succeeded();
        assertThatThrownBy(succeeded::succeeded).isInstanceOf(IllegalStateException.class);

        BruteForceProtection.Attempt closed = bruteForce.reservePassword("ada", ADDRESS, Optional.empty())
                .orElseThrow();
        closed.close();
        assertThatThrownBy(closed::failed).isInstanceOf(IllegalStateException.class);
        assertThat(throttles.rows.values()).allSatisfy(row -> assertThat(row.inFlight).isZero());
    }

    private String knownBrowserCookie() {
        return deviceCookies.withNewEntry("ada", null);
    }
}
