package dev.echoid.admin;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL (embedded binaries, started once per test JVM), and a fresh, empty database for each caller:
 * the CLI migrates it as it would a new installation.
 */
final class TestDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** The provider's client secret key for these tests, made here, never committed. */
    static final byte[] CLIENT_SECRET_KEY = new java.security.SecureRandom().generateSeed(32);
    private static EmbeddedPostgres postgres;

    private final String name;
    private final String keyEncryptionKey = randomKey();
    private final String auditKey = randomKey();

    private TestDatabase(String name) {
        this.name = name;
    }

    static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    static TestDatabase fresh() {
        String name = "admin_" + COUNTER.incrementAndGet();
        try (Connection connection = server().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new TestDatabase(name);
    }

    /**
     * The provider's settings for this database, as the environment would give them outside dev mode: with its two
     * keys, random for each database (never committed).
     */
    Map<String, String> settings() {
        return Map.of("IDENTITY_DB_URL", server().getJdbcUrl("postgres", name),
                "IDENTITY_DB_USER", "postgres",
                "IDENTITY_DB_PASSWORD", "postgres",
                "IDENTITY_KEY_ENCRYPTION_KEY", keyEncryptionKey,
                "IDENTITY_AUDIT_KEY", auditKey,
                "IDENTITY_CLIENT_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(CLIENT_SECRET_KEY));
    }

    /** The database as its owner (a superuser, who can switch the audit trigger off). */
    DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server().getJdbcUrl("postgres", name));
        dataSource.setUser("postgres");
        dataSource.setPassword("postgres");
        return dataSource;
    }

    private static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return postgres;
    }
}
