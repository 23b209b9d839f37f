package dev.echoid.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.JdbcLoginThrottles;
import dev.echoid.identity.store.JdbcTotpCredentials;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** identity-admin user ... in-process against a real (embedded) PostgreSQL, migrated by the CLI itself. */
class UserCommandsIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestDatabase database;
    private static Cli cli;
    private static JdbcUsers users;

    @BeforeAll
    static void freshDatabase() {
        database = TestDatabase.fresh();
        cli = new Cli(database.settings());
        users = new JdbcUsers(database.dataSource());
    }

    @Test
    void createWhenPasswordOnStdinThenUserStoredWithArgon2idHashAndIdPrinted() {
        Cli.Run run = cli.runWithInput(PASSWORD + "\n", "user", "create", "grace", "--name", "Grace Hopper",
                "--email", "grace@example.com");

        assertThat(run.status()).as(run.err()).isZero();
        User user = users.findByUsername("GRACE").orElseThrow();
        assertThat(run.out().trim()).isEqualTo(user.id().toString());
        assertThat(user.name()).isEqualTo("Grace Hopper");
        assertThat(user.email()).isEqualTo("grace@example.com");
        assertThat(user.enabled()).isTrue();
        assertThat(user.passwordHash()).startsWith("$argon2id$").doesNotContain(PASSWORD);
        assertThat(PasswordHasher.owaspDefault().verify(PASSWORD, user.passwordHash())).isTrue();
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void createWhenNameTakenInAnyCaseThenStatus1() {
        assertThat(cli.runWithInput(PASSWORD + "\n", "user", "create", "linus").status()).isZero();

        Cli.Run again = cli.runWithInput(PASSWORD + "\n", "user", "create", "Linus");

        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("a user named Linus exists");
        assertThat(again.out()).isEmpty();
    }

    @Test
    void createWhenPasswordShorterThanThePolicyThenStatus1AndNoUser() {
        Cli.Run run = cli.runWithInput("short\n", "user", "create", "shorty");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("the password must be at least 12 characters long");
        assertThat(users.findByUsername("shorty")).isEmpty();
    }

    @Test
    void createWhenPolicyLengthSetThenItIsEnforced() {
        Cli strict = cli.with("IDENTITY_PASSWORD_MIN_LENGTH", "40");

        Cli.Run run = strict.runWithInput(PASSWORD + "\n", "user", "create", "strict");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("at least 40 characters");
        assertThat(users.findByUsername("strict")).isEmpty();
    }

    @Test
    void createWhenStdinEmptyThenStatus1() {
        Cli.Run run = cli.runWithInput("", "user", "create", "nopassword");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("no password given");
        assertThat(users.findByUsername("nopassword")).isEmpty();
    }

    @Test
    void listThenEveryUserWithoutHashesAsTextAndJson() throws Exception {
        cli.runWithInput(PASSWORD + "\n", "user", "create", "ada", "--email", "ada@example.com");

        Cli.Run text = cli.run("user", "list");
        Cli.Run json = cli.run("user", "list", "--json");

        assertThat(text.status()).isZero();
        assertThat(text.out()).startsWith("USERNAME").contains("ada@example.com").doesNotContain("argon2");
        assertThat(json.status()).isZero();
        assertThat(json.out()).doesNotContain("argon2");
        JsonNode ada = find(JSON.readTree(json.out()), "username", "ada");
        assertThat(ada.get("enabled").asBoolean()).isTrue();
        assertThat(ada.get("mfa").asBoolean()).isFalse();
        assertThat(ada.get("locked_until").isNull()).isTrue();
        assertThat(UUID.fromString(ada.get("id").asText())).isEqualTo(users.findByUsername("ada").orElseThrow().id());
    }

    @Test
    void disableThenEnableThenTheFlagFollows() throws Exception {
        cli.runWithInput(PASSWORD + "\n", "user", "create", "barbara");

        Cli.Run disable = cli.run("user", "disable", "barbara");
        assertThat(disable.status()).isZero();
        assertThat(disable.out()).isEqualTo("disabled barbara\n");
        assertThat(users.findByUsername("barbara").orElseThrow().enabled()).isFalse();
        assertThat(find(JSON.readTree(cli.run("user", "list", "--json").out()), "username", "barbara")
                .get("enabled").asBoolean()).isFalse();

        assertThat(cli.run("user", "enable", "barbara").status()).isZero();
        assertThat(users.findByUsername("barbara").orElseThrow().enabled()).isTrue();
    }

    @Test
    void disableWhenNoSuchUserThenStatus1() {
        Cli.Run run = cli.run("user", "disable", "nobody");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("identity-admin: no user named nobody\n");
    }

    @Test
    void deleteWithoutYesAndNoTerminalThenStatus2AndUserKept() {
        cli.runWithInput(PASSWORD + "\n", "user", "create", "keep");

        Cli.Run run = cli.run("user", "delete", "keep");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--yes");
        assertThat(users.findByUsername("keep")).isPresent();
    }

    @Test
    void deleteWithYesThenGoneWithSecondFactorAndAgainStatus1() {
        cli.runWithInput(PASSWORD + "\n", "user", "create", "edsger");
        UUID id = users.findByUsername("edsger").orElseThrow().id();
        new JdbcTotpCredentials(database.dataSource()).save(id, "sealed-secret", 1);

        Cli.Run run = cli.run("user", "delete", "edsger", "--yes");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("deleted edsger\n");
        assertThat(users.findByUsername("edsger")).isEmpty();
        assertThat(new JdbcTotpCredentials(database.dataSource()).find(id)).isEmpty();
        assertThat(cli.run("user", "delete", "edsger", "--yes").status()).isEqualTo(1);
    }

    @Test
    void unlockWhenLockedThenFailuresClearedAndListShowsNoLock() throws Exception {
        cli.runWithInput(PASSWORD + "\n", "user", "create", "locked");
        UUID id = users.findByUsername("locked").orElseThrow().id();
        JdbcLoginThrottles throttles = new JdbcLoginThrottles(database.dataSource());
        Instant now = Instant.now();
        String key = BruteForceProtection.userKey("locked");
        // and as the provider counts since issue 9: the name from one address, and from one known browser
        BruteForceProtection protection = new BruteForceProtection(throttles,
                LoginPolicy.from(SettingsSource.of(Map.of())), Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            protection.reservePassword("locked", "192.0.2.1", Optional.empty()).orElseThrow().failed();
            protection.reservePassword("locked", "192.0.2.2", Optional.of("browser")).orElseThrow().failed();
        }
        assertThat(protection.reservePassword("locked", "192.0.2.1", Optional.empty())).isEmpty();
        assertThat(protection.reservePassword("locked", "192.0.2.2", Optional.of("browser"))).isEmpty();
        for (int i = 0; i < 5; i++) {
            throttles.recordFailure(key, now, now.minus(1, ChronoUnit.HOURS));
        }
        throttles.lock(key, now.plus(10, ChronoUnit.MINUTES));
        throttles.recordFailure(BruteForceProtection.secondFactorKey(id), now, now.minus(1, ChronoUnit.HOURS));
        throttles.lock(BruteForceProtection.secondFactorKey(id), now.plus(10, ChronoUnit.MINUTES));
        assertThat(find(JSON.readTree(cli.run("user", "list", "--json").out()), "username", "locked")
                .get("locked_until").isNull()).isFalse();

        Cli.Run run = cli.run("user", "unlock", "LOCKED");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("unlocked LOCKED\n");
        assertThat(throttles.lockedUntil(key, Instant.now())).isEmpty();
        assertThat(throttles.lockedUntil(BruteForceProtection.secondFactorKey(id), Instant.now())).isEmpty();
        assertThat(protection.reservePassword("locked", "192.0.2.1", Optional.empty()))
                .hasValueSatisfying(BruteForceProtection.Attempt::close);
        assertThat(protection.reservePassword("locked", "192.0.2.2", Optional.of("browser")))
                .hasValueSatisfying(BruteForceProtection.Attempt::close);
        assertThat(cli.run("user", "unlock", "locked").out()).isEqualTo("locked had no failed sign-ins to clear\n");
    }

    @Test
    void resetMfaWhenEnrolledThenCredentialRemovedAndSecondTimeNothingToRemove() {
        cli.runWithInput(PASSWORD + "\n", "user", "create", "phoneless");
        UUID id = users.findByUsername("phoneless").orElseThrow().id();
        JdbcTotpCredentials totp = new JdbcTotpCredentials(database.dataSource());
        totp.save(id, "sealed-secret", 1);

        Cli.Run run = cli.run("user", "reset-mfa", "phoneless");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("removed the second factor of phoneless\n");
        assertThat(totp.find(id)).isEmpty();
        assertThat(cli.run("user", "reset-mfa", "phoneless").out()).isEqualTo("phoneless had no second factor\n");
        assertThat(cli.run("user", "reset-mfa", "nobody").status()).isEqualTo(1);
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (node.get(field).asText().equals(value)) {
                return node;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }
}
