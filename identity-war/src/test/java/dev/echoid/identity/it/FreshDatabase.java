package dev.echoid.identity.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** A new database on the tests' PostgreSQL ({@link PostgresExtension}), with the provider's migrations applied. */
final class FreshDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private FreshDatabase() {
    }

    /** Migrated to the newest version. */
    static PGSimpleDataSource migrated(String prefix) {
        PGSimpleDataSource database = empty(prefix);
        Flyway.configure().dataSource(database).locations("classpath:db/migrations").load().migrate();
        return database;
    }

    /** The settings of the admin commands for {@code database}. */
    static java.util.Map<String, String> settings(PGSimpleDataSource database) {
        return java.util.Map.of("IDENTITY_DB_URL", database.getUrl(), "IDENTITY_DB_USER", "postgres",
                "IDENTITY_DB_PASSWORD", "postgres");
    }

    static PGSimpleDataSource empty(String prefix) {
        String name = prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection admin = PostgresExtension.dataSource().getConnection();
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + name);
            sql.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl(System.getProperty("IDENTITY_DB_URL").replace("/postgres?", "/" + name + "?"));
        database.setUser("postgres");
        database.setPassword("postgres");
        return database;
    }
}
