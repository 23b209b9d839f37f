package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.Database;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.JdbcAuditLog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The stores' transactions no longer ask or set the isolation level (two to three round trips each): they run at the
 * connection's, which must be READ COMMITTED. The WAR's pool makes it so whatever the database's default is, another
 * level set for one transaction (the audit verify's REPEATABLE READ) is put back, and a data source that hands out
 * another level stops the start-up instead of running grants at a level nobody chose.
 */
@ExtendWith(PostgresExtension.class)
class TransactionIsolationIT {

    @Test
    void poolOnADatabaseWhoseDefaultIsSerializableHandsOutReadCommittedConnections() throws Exception {
        PGSimpleDataSource serializable = serializableByDefault("isolation_pool");
        Database database = Database.open(SettingsSource.of(settings(serializable, "2")));
        try {
            database.migrate(); // checks the level: passes
            assertThat(level(database.dataSource())).isEqualTo("read committed");
            assertThat(level(serializable)).as("the database's own default").isEqualTo("serializable");
        } finally {
            database.close();
        }
    }

    @Test
    void dataSourceThatHandsOutAnotherLevelStopsTheStartUp() throws Exception {
        PGSimpleDataSource serializable = serializableByDefault("isolation_container");
        assertThatThrownBy(() -> Database.requireReadCommitted(serializable))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not READ COMMITTED")
                .hasMessageContaining("default_transaction_isolation");
    }

    @Test
    void auditVerifyAtRepeatableReadPutsTheConnectionBackToReadCommitted() throws Exception {
        PGSimpleDataSource plain = FreshDatabase.migrated("isolation_verify");
        // one connection: the one verify used is the one asked afterwards (Flyway would need two)
        Database database = Database.open(SettingsSource.of(settings(plain, "1")));
        try {
            JdbcAuditLog audit = new JdbcAuditLog(database.dataSource(),
                    Optional.of(dev.echoid.identity.security.RandomTokens.bytes(32)), LogFormat.TEXT);
            audit.prepare();
            audit.record(AuditEvent.success(AuditEvent.Type.TOKEN_REVOKED, "echo", null, null, "127.0.0.1", "one"));
            var verified = audit.verify();
            assertThat(verified.intact()).as(verified.problem()).isTrue();
            assertThat(level(database.dataSource())).isEqualTo("read committed");
        } finally {
            database.close();
        }
    }

    private static PGSimpleDataSource serializableByDefault(String prefix) throws SQLException {
        PGSimpleDataSource database = FreshDatabase.empty(prefix);
        String name = database.getDatabaseName();
        try (Connection admin = PostgresExtension.dataSource().getConnection();
                Statement sql = admin.createStatement()) {
            sql.execute("ALTER DATABASE " + name + " SET default_transaction_isolation = 'serializable'");
        }
        return database;
    }

    private static Map<String, String> settings(PGSimpleDataSource database, String poolSize) {
        Map<String, String> settings = new HashMap<>(FreshDatabase.settings(database));
        settings.put("IDENTITY_DB_POOL_SIZE", poolSize);
        return settings;
    }

    private static String level(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SHOW transaction_isolation")) {
            row.next();
            return row.getString(1);
        }
    }
}
