package dev.echoid.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** identity-admin keys ... and audit ..., each test on its own fresh database. */
class KeysAndAuditCommandsIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rotateThenAnUpcomingKeyIsAddedOnceAndListed() throws Exception {
        Cli cli = new Cli(TestDatabase.fresh().settings()).with("IDENTITY_KEY_PUBLISH_DELAY_SECONDS", "3600");
        assertThat(JSON.readTree(cli.run("keys", "list", "--json").out())).isEmpty();

        Instant before = Instant.now();
        Cli.Run rotate = cli.run("keys", "rotate", "--alg", "ES256");

        assertThat(rotate.status()).as(rotate.err()).isZero();
        assertThat(rotate.out()).startsWith("added ES256 key ");
        JsonNode keys = JSON.readTree(cli.run("keys", "list", "--json").out());
        assertThat(keys).hasSize(1);
        JsonNode key = keys.get(0);
        assertThat(key.get("alg").asText()).isEqualTo("ES256");
        assertThat(key.get("status").asText()).isEqualTo("UPCOMING");
        assertThat(Instant.parse(key.get("not_before").asText())).isAfter(before.plusSeconds(3500));
        assertThat(key.toString()).doesNotContain("private");

        Cli.Run again = cli.run("keys", "rotate", "--alg", "ES256");
        assertThat(again.status()).isZero();
        assertThat(again.out()).startsWith("an upcoming ES256 key exists, none added: " + key.get("kid").asText());
        assertThat(JSON.readTree(cli.run("keys", "list", "--json").out())).hasSize(1);
        assertThat(cli.run("keys", "list").out()).startsWith("KID").contains(key.get("kid").asText(), "UPCOMING");
        assertThat(cli.run("audit", "verify").status()).isZero();
    }

    @Test
    void rotateWithAKeyEncryptionKeyThenKeysOpenOnlyWithThatKey() {
        TestDatabase database = TestDatabase.fresh();
        Cli sealed = new Cli(database.settings());
        assertThat(sealed.run("keys", "rotate", "--alg", "RS256").status()).isZero();
        assertThat(sealed.run("keys", "list").status()).isZero();

        Cli.Run withoutKey = new Cli(database.settings()).without("IDENTITY_KEY_ENCRYPTION_KEY").run("keys", "list");

        assertThat(withoutKey.status()).isEqualTo(3);
        assertThat(withoutKey.err()).contains("IDENTITY_KEY_ENCRYPTION_KEY");
        Cli.Run otherKey = new Cli(database.settings())
                .with("IDENTITY_KEY_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[32]))
                .run("keys", "list");
        assertThat(otherKey.status()).isEqualTo(3);
        assertThat(otherKey.err()).contains("IDENTITY_KEY_ENCRYPTION_KEY");
        // outside dev mode no key is written unsealed
        Cli.Run rotateWithoutKey = new Cli(database.settings()).without("IDENTITY_KEY_ENCRYPTION_KEY")
                .run("keys", "rotate", "--alg", "ES256");
        assertThat(rotateWithoutKey.status()).isEqualTo(3);
        assertThat(rotateWithoutKey.err()).contains("IDENTITY_KEY_ENCRYPTION_KEY is not set");
        Cli.Run badKey = new Cli(database.settings()).with("IDENTITY_KEY_ENCRYPTION_KEY", "c2hvcnQ=")
                .run("keys", "list");
        assertThat(badKey.status()).isEqualTo(3);
        assertThat(badKey.err()).contains("IDENTITY_KEY_ENCRYPTION_KEY must be 32 bytes");
    }

    @Test
    void auditVerifyWhenIntactThenOkAndWhenARowIsAlteredThenBrokenWithStatus1() throws Exception {
        TestDatabase database = TestDatabase.fresh();
        Cli cli = new Cli(database.settings());
        assertThat(cli.runWithInput(PASSWORD + "\n", "user", "create", "ada").status()).isZero();
        assertThat(cli.run("user", "disable", "ada").status()).isZero();
        assertThat(cli.run("client", "create", "echo", "--redirect-uri", "https://echo.example/cb").status())
                .isZero();

        Cli.Run intact = cli.run("audit", "verify");
        assertThat(intact.status()).as(intact.err()).isZero();
        assertThat(intact.out()).startsWith("OK: 3 rows, the chain is intact");

        Cli.Run user = cli.run("audit", "user", "ada");
        assertThat(user.status()).isZero();
        assertThat(user.out()).contains("USER_CREATED", "USER_DISABLED", "identity-admin").endsWith("2 events\n");
        Cli.Run client = cli.run("audit", "client", "echo", "--json");
        assertThat(client.status()).isZero();
        assertThat(JSON.readTree(client.out()).toString()).contains("CLIENT_REGISTERED");
        assertThat(cli.run("audit", "user", "ada", "--from", "yesterday").status()).as("bad instant").isEqualTo(2);
        assertThat(cli.run("audit", "user", "ada", "--from", "2030-01-01T00:00:00Z").out()).isEqualTo("0 events\n");

        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            // what the trigger cannot stop: the owner switching it off
            statement.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            statement.execute("UPDATE audit_event SET detail = 'nothing happened' "
                    + "WHERE id = (SELECT min(id) FROM audit_event)");
            statement.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        Cli.Run broken = cli.run("audit", "verify");
        assertThat(broken.status()).isEqualTo(1);
        assertThat(broken.out()).startsWith("BROKEN at row ");
        Cli.Run brokenJson = cli.run("audit", "verify", "--json");
        assertThat(brokenJson.status()).isEqualTo(1);
        assertThat(JSON.readTree(brokenJson.out()).get("status").asText()).isEqualTo("broken");
    }

    @Test
    void verifyWithoutKeySaysSo() throws Exception {
        TestDatabase database = TestDatabase.fresh();
        Cli cli = new Cli(database.settings());
        assertThat(cli.run("client", "create", "echo", "--redirect-uri", "https://echo.example/cb").status())
                .isZero();

        Cli.Run text = cli.without("IDENTITY_AUDIT_KEY").run("audit", "verify");
        assertThat(text.status()).isEqualTo(3);
        assertThat(text.out()).isEqualTo("UNVERIFIED: cannot verify: IDENTITY_AUDIT_KEY not set\n");
        Cli.Run json = cli.without("IDENTITY_AUDIT_KEY").run("audit", "verify", "--json");
        assertThat(json.status()).isEqualTo(3);
        JsonNode answer = JSON.readTree(json.out());
        assertThat(answer.get("status").asText()).isEqualTo("unverified");
        assertThat(answer.get("problem").asText()).isEqualTo("cannot verify: IDENTITY_AUDIT_KEY not set");
        // and no change is made without it (it would go unrecorded, or unkeyed)
        Cli.Run refused = cli.without("IDENTITY_AUDIT_KEY").run("client", "delete", "echo", "--yes");
        assertThat(refused.status()).isEqualTo(3);
        assertThat(refused.err()).contains("IDENTITY_AUDIT_KEY is not set");
        assertThat(cli.run("client", "list").out()).as("not deleted").contains("echo");
    }

    @Test
    void verifyWithWrongKeySaysSo() throws Exception {
        TestDatabase database = TestDatabase.fresh();
        Cli cli = new Cli(database.settings());
        assertThat(cli.run("client", "create", "echo", "--redirect-uri", "https://echo.example/cb").status())
                .isZero();

        Cli.Run wrong = cli.with("IDENTITY_AUDIT_KEY", TestDatabase.randomKey()).run("audit", "verify", "--json");
        assertThat(wrong.status()).isEqualTo(3);
        JsonNode answer = JSON.readTree(wrong.out());
        assertThat(answer.get("status").asText()).isEqualTo("unverified");
        assertThat(answer.get("problem").asText()).startsWith("the audit key does not match the chain");
        Cli.Run change = cli.with("IDENTITY_AUDIT_KEY", TestDatabase.randomKey()).run("client", "delete", "echo",
                "--yes");
        assertThat(change.status()).as("no change recorded under another key").isEqualTo(3);
        assertThat(change.err()).contains("IDENTITY_AUDIT_KEY does not match the audit chain");
        assertThat(cli.run("audit", "verify").status()).as("the right key").isZero();
    }

    @Test
    void auditLoginWhenUnknownThenNoEventsAndStatus0() {
        Cli.Run run = new Cli(TestDatabase.fresh().settings()).run("audit", "login", "no-such-login");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("0 events\n");
    }
}
