package dev.echoid.identity.store;

import java.util.Optional;
import javax.sql.DataSource;

/** What readiness asks of the database: does it answer a query, and which schema version has it reached. */
public final class JdbcDatabaseStatus {

    private static final String PING = "SELECT 1";
    // Flyway's own table; the latest successful versioned migration (repeatable ones have no version)
    private static final String SCHEMA_VERSION = "SELECT version FROM flyway_schema_history "
            + "WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1";

    private final Jdbc sql;

    public JdbcDatabaseStatus(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    /** Runs a query; throws {@link StoreException} when the database does not answer. */
    public void ping() {
        sql.query(PING, s -> s.setQueryTimeout(5), row -> row.getInt(1));
    }

    /** The schema version the database was migrated to, if it ever was. */
    public Optional<String> schemaVersion() {
        return sql.queryOne(SCHEMA_VERSION, s -> s.setQueryTimeout(5), row -> row.getString("version"));
    }
}
