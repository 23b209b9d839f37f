package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.JdbcAuditLog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Migration V4 chains the audit rows written before it (unkeyed, in SQL); the provider, started with
 * {@code IDENTITY_AUDIT_KEY}, checks that chain and re-chains it with the key (V10), and the chain verifies and
 * grows.
 */
@ExtendWith(PostgresExtension.class)
class AuditBackfillIT {

    @Test
    void migrateWhenAuditRowsExistBeforeV4ThenTheyAreChainedAndVerify() throws Exception {
        try (Connection admin = PostgresExtension.dataSource().getConnection();
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS audit_backfill");
            sql.execute("CREATE DATABASE audit_backfill");
        }
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl(System.getProperty("IDENTITY_DB_URL").replace("/postgres?", "/audit_backfill?"));
        database.setUser("postgres");
        database.setPassword("postgres");
        Flyway.configure().dataSource(database).locations("classpath:db/migrations").target("3").load().migrate();
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.executeUpdate("INSERT INTO audit_event (occurred_at, event_type, outcome, client_id, username, "
                    + "remote_address, detail) VALUES "
                    + "('2024-05-01T10:00:00.123456Z', 'LOGIN_FAILED', 'failure', 'echo', 'ädа', '10.0.0.1', 'x'), "
                    + "(now(), 'LOGIN_SUCCEEDED', 'success', 'echo', 'ada', '10.0.0.1', NULL), "
                    + "(now(), 'CODE_ISSUED', 'success', NULL, NULL, NULL, NULL)");
        }

        Flyway.configure().dataSource(database).locations("classpath:db/migrations").load().migrate();

        // V4 chained them in SQL; Java checks that unkeyed chain, then re-chains it with the key (V10)
        JdbcAuditLog log = new JdbcAuditLog(database, Optional.of(PostgresExtension.AUDIT_KEY));
        log.prepare();
        Verification keyed = log.verify();
        assertThat(keyed.intact()).as(keyed.problem()).isTrue();
        assertThat(keyed.rowsChecked()).as("the 3 rows, and the event that says they were re-chained").isEqualTo(4);
        assertThat(auditTypes(database)).containsExactly("LOGIN_FAILED", "LOGIN_SUCCEEDED", "CODE_ISSUED",
                "AUDIT_CHAIN_KEYED");
        log.record(AuditEvent.success(AuditEvent.Type.AUTHORIZATION_REQUESTED, "echo", null, null, "10.0.0.1", null)
                .withLoginId("after-v4"));
        Verification grown = log.verify();
        assertThat(grown.intact()).as(grown.problem()).isTrue();
        assertThat(grown.rowsChecked()).isEqualTo(5);
        log.prepare();
        assertThat(log.verify().rowsChecked()).as("re-chained once only").isEqualTo(5);
    }

    private static List<String> auditTypes(DataSource database) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
                ResultSet rows = sql.executeQuery("SELECT event_type FROM audit_event ORDER BY id")) {
            while (rows.next()) {
                types.add(rows.getString(1));
            }
        }
        return types;
    }
}
