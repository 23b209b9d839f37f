package dev.echoid.identity.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NoInitialContextException;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The provider's PostgreSQL database: the container's JNDI data source {@code java:comp/env/jdbc/identity} when
 * one is defined (Tomcat {@code context.xml}; on WildFly {@code WEB-INF/jboss-web.xml} binds it to the data source
 * of {@code server-config/wildfly/datasource.cli}), else a HikariCP pool from {@code IDENTITY_DB_URL},
 * {@code IDENTITY_DB_USER}, {@code IDENTITY_DB_PASSWORD}. The schema is migrated by Flyway from
 * {@code db/migrations/}.
 */
public final class Database {

    public static final String JNDI_NAME = "java:comp/env/jdbc/identity";
    public static final String URL = "IDENTITY_DB_URL";
    public static final String USER = "IDENTITY_DB_USER";
    public static final String PASSWORD = "IDENTITY_DB_PASSWORD";
    public static final String POOL_SIZE = "IDENTITY_DB_POOL_SIZE";
    public static final String CONNECTION_TIMEOUT = "IDENTITY_DB_CONNECTION_TIMEOUT_SECONDS";
    /** HikariCP's own default: how long a request waits for a connection before it is answered 503. */
    static final int DEFAULT_CONNECTION_TIMEOUT_SECONDS = 30;
    /** How long {@link #probe}'s one connection may take to log in. */
    static final int PROBE_LOGIN_TIMEOUT_SECONDS = 10;

    private static final Logger LOG = System.getLogger(Database.class.getName());

    private final DataSource dataSource;
    private final boolean owned;
    private volatile MigrationVersion newestMigration;

    private Database(DataSource dataSource, boolean owned) {
        this.dataSource = dataSource;
        this.owned = owned;
    }

    public static Database open(SettingsSource source) {
        return open(source, null);
    }

    /**
     * @param meters where the pool reports its meters, or null: {@code hikaricp_*} for the WAR's own pool,
     *               {@code echoid_db_*} ({@link MeteredDataSource}) for the container's
     */
    public static Database open(SettingsSource source, MeterRegistry meters) {
        DataSource container = containerDataSource();
        if (container != null) {
            LOG.log(Level.INFO, "Using the container data source {0}", JNDI_NAME);
            return new Database(meters == null ? container : new MeteredDataSource(container, meters), false);
        }
        String url = url(source);
        HikariConfig config = new HikariConfig();
        config.setPoolName("identity");
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(url);
        source.get(USER).ifPresent(config::setUsername);
        source.get(PASSWORD).ifPresent(config::setPassword);
        config.setMaximumPoolSize(source.get(POOL_SIZE).map(Integer::parseInt).orElse(10));
        config.setInitializationFailTimeout(30_000);
        config.setConnectionTimeout(1000L * connectionTimeoutSeconds(source));
        // set once per new connection (and put back if changed): transactions then need no SET of their own
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // a connection that failed as "unavailable" (read-only 25006 too, which HikariCP would keep) is dropped
        config.setExceptionOverride(DatabaseFailures.EVICTION);
        if (meters != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        }
        LOG.log(Level.INFO, "Using a connection pool to {0}", url.replaceAll("password=[^&]*", "password=***"));
        return new Database(new HikariDataSource(config), true);
    }

    /**
     * One connection at a time, no pool, to learn whether the database answers before the pool is opened (a pool
     * opened without a database logs a stack trace per try): the container's data source when one is defined, else
     * the driver on {@value #URL}. Checks the settings {@link #open} reads, so a bad one stops the deployment at once.
     */
    public static DataSource probe(SettingsSource source) {
        DataSource container = containerDataSource();
        if (container != null) {
            return container;
        }
        String url = url(source);
        connectionTimeoutSeconds(source);
        PGSimpleDataSource single = new PGSimpleDataSource();
        single.setURL(url);
        source.get(USER).ifPresent(single::setUser);
        source.get(PASSWORD).ifPresent(single::setPassword);
        // a server that accepts the connection but never answers must not hold the start-up (the driver waits forever)
        single.setLoginTimeout(PROBE_LOGIN_TIMEOUT_SECONDS);
        return single;
    }

    /** Where the database is, for the log: the container's data source, or the URL without a password in it. */
    public static String describe(SettingsSource source) {
        return source.get(URL).map(url -> url.replaceAll("password=[^&]*", "password=***")).orElse(JNDI_NAME);
    }

    private static String url(SettingsSource source) {
        String url = source.get(URL).orElseThrow(() -> new InvalidSettingException(URL,
                "is required when the container defines no data source " + JNDI_NAME
                        + " (for example jdbc:postgresql://localhost:5432/identity)"));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new InvalidSettingException(URL, "must be a jdbc:postgresql: URL");
        }
        return url;
    }

    /** {@value #CONNECTION_TIMEOUT}: a whole number of seconds, at least 1 (HikariCP's floor is 250 ms). */
    static int connectionTimeoutSeconds(SettingsSource source) {
        return source.get(CONNECTION_TIMEOUT).map(value -> {
            int seconds;
            try {
                seconds = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(CONNECTION_TIMEOUT, "must be a whole number of seconds");
            }
            if (seconds < 1 || seconds > 600) {
                throw new InvalidSettingException(CONNECTION_TIMEOUT, "must be between 1 and 600 seconds");
            }
            return seconds;
        }).orElse(DEFAULT_CONNECTION_TIMEOUT_SECONDS);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Applies the pending migrations; safe to run from several nodes at once (Flyway locks). */
    public void migrate() {
        Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migrations")
                .load();
        flyway.migrate();
        newestMigration = Arrays.stream(flyway.info().all())
                .map(MigrationInfo::getVersion)
                .filter(Objects::nonNull)
                .max(MigrationVersion::compareTo)
                .orElse(MigrationVersion.EMPTY);
        requireReadCommitted(dataSource);
    }

    /**
     * The stores' transactions run at their connection's isolation level and expect READ COMMITTED (PostgreSQL's
     * default, and what the WAR's own pool sets): a container pool or a database default that hands out another
     * level stops the start-up, rather than every transaction paying a round trip to set it.
     */
    public static void requireReadCommitted(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                throw new IllegalStateException("The data source's connections are not READ COMMITTED (isolation "
                        + connection.getTransactionIsolation() + "): set default_transaction_isolation to"
                        + " 'read committed' for this database, or the container pool's default isolation"
                        + " (Tomcat: defaultTransactionIsolation=\"READ_COMMITTED\"; WildFly:"
                        + " transaction-isolation=TRANSACTION_READ_COMMITTED)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the data source's isolation level: " + e.getMessage(), e);
        }
    }

    /**
     * True when the database's schema {@code version} is this WAR's newest migration or later (a newer node of a
     * rolling upgrade may have migrated further; its migrations only add).
     */
    public boolean isMigrated(String version) {
        MigrationVersion newest = newestMigration;
        return newest != null && version != null && MigrationVersion.fromVersion(version).compareTo(newest) >= 0;
    }

    /** This WAR's newest migration, once {@link #migrate()} ran. */
    public String newestMigration() {
        MigrationVersion newest = newestMigration;
        return newest == null ? null : newest.getVersion();
    }

    public void close() {
        if (owned && dataSource instanceof HikariDataSource pool) {
            pool.close();
        }
    }

    /** What {@link #containerDataSource(Lookup)} asks: JNDI in the container, a stand-in in tests. */
    @FunctionalInterface
    interface Lookup {
        Object lookup(String name) throws NamingException;
    }

    private static DataSource containerDataSource() {
        return containerDataSource(name -> new InitialContext().lookup(name));
    }

    /**
     * The container's data source, or null when the container defines none (no JNDI at all, or nothing bound at
     * {@value #JNDI_NAME}). One that is defined but cannot be built stops the start-up: a {@code ${...}} left
     * unresolved, no JDBC driver in the container's {@code lib/}, a wrong factory. Falling back to
     * {@code IDENTITY_DB_URL} then would hide the broken configuration behind a second pool that nobody sized.
     */
    static DataSource containerDataSource(Lookup naming) {
        Object bound;
        try {
            bound = naming.lookup(JNDI_NAME);
        } catch (NameNotFoundException | NoInitialContextException notDefined) {
            return null;
        } catch (NamingException | RuntimeException broken) {
            throw new IllegalStateException("The container defines the data source " + JNDI_NAME
                    + " but could not create it (" + rootMessage(broken) + "). Check its definition (Tomcat:"
                    + " conf/Catalina/localhost/identity.xml from context.xml, the PostgreSQL driver in lib/,"
                    + " setenv.sh for ${...} values; WildFly: datasource.cli) or remove it to use IDENTITY_DB_URL.",
                    broken);
        }
        if (!(bound instanceof DataSource dataSource)) {
            throw new IllegalStateException(JNDI_NAME + " is a " + (bound == null ? "null" : bound.getClass().getName())
                    + ", not a javax.sql.DataSource");
        }
        return dataSource;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? String.valueOf(failure.getMessage())
                : failure.getMessage() + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
