package dev.echoid.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** identity-admin secrets seal: a database written without IDENTITY_KEY_ENCRYPTION_KEY, sealed in place. */
class SecretsCommandIT {

    @Test
    void sealCommandSealsExistingRowsAndIsIdempotent() throws Exception {
        TestDatabase database = TestDatabase.fresh();
        // a development database: signing keys and a TOTP secret stored unsealed
        Cli development = new Cli(database.settings()).without("IDENTITY_KEY_ENCRYPTION_KEY")
                .with("IDENTITY_DEV_MODE", "true");
        assertThat(development.runWithInput("correct horse battery staple\n", "user", "create", "ada").status())
                .isZero();
        assertThat(development.run("keys", "rotate", "--alg", "RS256").status()).isZero();
        assertThat(development.run("keys", "rotate", "--alg", "ES256").status()).isZero();
        execute(database, "INSERT INTO totp_credential (user_id, secret, last_used_step) "
                + "SELECT id, 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=', 0 FROM app_user WHERE username = 'ada'");
        assertThat(stored(database)).hasSize(3).noneMatch(value -> value.startsWith("aesgcm:"));

        Cli production = new Cli(database.settings()).with("IDENTITY_KEY_ENCRYPTION_KEY", randomKey());
        Cli.Run refused = production.run("keys", "list");
        assertThat(refused.status()).as("the keys are refused until sealed").isEqualTo(3);
        assertThat(refused.err()).contains("unsealed", "identity-admin secrets seal");

        Cli.Run sealed = production.run("secrets", "seal");
        assertThat(sealed.status()).as(sealed.err()).isZero();
        assertThat(sealed.out()).contains("sealed 2 signing keys and 1 TOTP secret");
        assertThat(stored(database)).hasSize(3).allMatch(value -> value.startsWith("aesgcm:"));
        assertThat(production.run("keys", "list").status()).isZero();

        Cli.Run again = production.run("secrets", "seal");
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("nothing to seal");
        assertThat(stored(database)).hasSize(3).allMatch(value -> value.startsWith("aesgcm:"));

        assertThat(auditTypes(database)).containsOnlyOnce("SECRETS_SEALED");
        assertThat(production.run("audit", "verify").status()).isZero();

        // sealed with one key, the command refuses another (it would make them unreadable to the provider)
        Cli.Run otherKey = new Cli(database.settings()).with("IDENTITY_KEY_ENCRYPTION_KEY", randomKey())
                .run("secrets", "seal");
        assertThat(otherKey.status()).isEqualTo(3);
        assertThat(otherKey.err()).contains("IDENTITY_KEY_ENCRYPTION_KEY");
    }

    @Test
    void sealWithoutAKeyEncryptionKeyIsRefused() {
        Cli.Run run = new Cli(TestDatabase.fresh().settings()).without("IDENTITY_KEY_ENCRYPTION_KEY")
                .run("secrets", "seal");
        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("IDENTITY_KEY_ENCRYPTION_KEY is not set");
    }

    private static String randomKey() {
        return TestDatabase.randomKey();
    }

    private static List<String> stored(TestDatabase database) throws SQLException {
        return column(database, "SELECT private_key FROM signing_key UNION ALL SELECT secret FROM totp_credential");
    }

    private static List<String> auditTypes(TestDatabase database) throws SQLException {
        return column(database, "SELECT event_type FROM audit_event ORDER BY id");
    }

    private static List<String> column(TestDatabase database, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static void execute(TestDatabase database, String update) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(update);
        }
    }
}
