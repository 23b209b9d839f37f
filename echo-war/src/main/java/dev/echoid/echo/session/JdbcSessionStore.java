package dev.echoid.echo.session;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.echoid.echo.config.SessionStoreSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The gateway's sessions in PostgreSQL, shared by every gateway node: one row per session, keyed by the SHA-256 of
 * its cookie value (a stolen table yields no usable cookie), holding the serialized attributes and an idle expiry.
 *
 * <p>The table lives in a schema of its own ({@value #SCHEMA}), created if absent at start-up under an advisory lock:
 * the gateway is a client that may share a database with anything, the provider's included, whose Flyway history
 * covers {@code public} only. One table needs no migration tool; a change of its shape would bring one.
 */
public final class JdbcSessionStore implements AutoCloseable {

    public static final String SCHEMA = "echo_gateway";

    private static final String CREATE = """
            SELECT pg_advisory_xact_lock(7431203914);
            CREATE SCHEMA IF NOT EXISTS echo_gateway;
            CREATE TABLE IF NOT EXISTS echo_gateway.session (
                id_hash bytea PRIMARY KEY,
                attributes bytea NOT NULL,
                provider_session bytea,
                subject bytea,
                created_at timestamptz NOT NULL DEFAULT now(),
                touched_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS session_provider_session ON echo_gateway.session (provider_session);
            CREATE INDEX IF NOT EXISTS session_subject ON echo_gateway.session (subject);
            CREATE INDEX IF NOT EXISTS session_expires_at ON echo_gateway.session (expires_at)""";
    private static final String SELECT = "SELECT attributes, created_at, touched_at FROM echo_gateway.session "
            + "WHERE id_hash = ? AND expires_at > now()";
    private static final String SELECT_FOR_UPDATE = SELECT + " FOR UPDATE";
    private static final String INSERT = "INSERT INTO echo_gateway.session (id_hash, attributes, provider_session, "
            + "subject, expires_at) VALUES (?, ?, ?, ?, now() + make_interval(secs => ?))";
    // only a live row is written: a session ended meanwhile (logout on another node) stays ended
    private static final String UPDATE = "UPDATE echo_gateway.session SET attributes = ?, provider_session = ?, "
            + "subject = ?, touched_at = now(), expires_at = now() + make_interval(secs => ?) "
            + "WHERE id_hash = ? AND expires_at > now()";
    private static final String TOUCH = "UPDATE echo_gateway.session SET touched_at = now(), "
            + "expires_at = now() + make_interval(secs => ?) WHERE id_hash = ? AND expires_at > now()";
    private static final String DELETE = "DELETE FROM echo_gateway.session WHERE id_hash = ?";
    private static final String DELETE_BY_PROVIDER_SESSION = "DELETE FROM echo_gateway.session "
            + "WHERE provider_session = ? AND (CAST(? AS bytea) IS NULL OR subject = ?)";
    private static final String DELETE_BY_SUBJECT = "DELETE FROM echo_gateway.session WHERE subject = ?";
    private static final String PURGE = "DELETE FROM echo_gateway.session WHERE expires_at <= now()";

    /** A row as read: the attributes' bytes and its times. */
    public record Row(byte[] attributes, Instant createdAt, Instant touchedAt) {
    }

    /** Who a session is signed in as, hashed, so a back-channel logout finds it on any node. */
    public record Index(byte[] providerSession, byte[] subject) {
        public static final Index NONE = new Index(null, null);
    }

    private final DataSource dataSource;
    private final boolean owned;

    JdbcSessionStore(DataSource dataSource, boolean owned) {
        this.dataSource = dataSource;
        this.owned = owned;
    }

    /** A pool to {@link SessionStoreSettings#url()}, and the table created when absent. */
    public static JdbcSessionStore open(SessionStoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("echo-sessions");
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(settings.url());
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setInitializationFailTimeout(30_000);
        // a request waits at most this long for the store before it is answered 503
        config.setConnectionTimeout(5_000);
        JdbcSessionStore store = new JdbcSessionStore(new HikariDataSource(config), true);
        try {
            store.createIfAbsent();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Over a data source the caller owns (tests). */
    public static JdbcSessionStore over(DataSource dataSource) {
        JdbcSessionStore store = new JdbcSessionStore(dataSource, false);
        store.createIfAbsent();
        return store;
    }

    void createIfAbsent() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(CREATE);
            }
            c.commit();
        } catch (SQLException e) {
            throw new SessionStoreException("cannot create the session table", e);
        }
    }

    /** The SHA-256 of a cookie value (what the table is keyed by) or of an index key. */
    public static byte[] hash(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The unexpired row of {@code idHash}. */
    public Optional<Row> find(byte[] idHash) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT)) {
            return read(s, idHash);
        } catch (SQLException e) {
            throw new SessionStoreException("cannot read a session", e);
        }
    }

    public void insert(byte[] idHash, byte[] attributes, Index index, Duration idle) {
        run(INSERT, s -> {
            s.setBytes(1, idHash);
            s.setBytes(2, attributes);
            s.setBytes(3, index.providerSession());
            s.setBytes(4, index.subject());
            s.setLong(5, idle.toSeconds());
        });
    }

    /** Writes a live row; false when it is gone (ended or expired meanwhile). */
    public boolean update(byte[] idHash, byte[] attributes, Index index, Duration idle) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, idHash, attributes, index, idle);
        } catch (SQLException e) {
            throw new SessionStoreException("cannot write a session", e);
        }
    }

    public void touch(byte[] idHash, Duration idle) {
        run(TOUCH, s -> {
            s.setLong(1, idle.toSeconds());
            s.setBytes(2, idHash);
        });
    }

    public void delete(byte[] idHash) {
        run(DELETE, s -> s.setBytes(1, idHash));
    }

    /** Back-channel logout with a {@code sid} (and maybe a {@code sub}): how many sessions ended. */
    public int deleteByProviderSession(byte[] providerSession, byte[] subject) {
        return run(DELETE_BY_PROVIDER_SESSION, s -> {
            s.setBytes(1, providerSession);
            s.setBytes(2, subject);
            s.setBytes(3, subject);
        });
    }

    /** Back-channel logout with only a {@code sub}: every session of that user. */
    public int deleteBySubject(byte[] subject) {
        return run(DELETE_BY_SUBJECT, s -> s.setBytes(1, subject));
    }

    /** Deletes the expired rows; how many. */
    public int purge() {
        return run(PURGE, s -> { });
    }

    /**
     * Runs {@code work} with the row locked ({@code SELECT ... FOR UPDATE}), so one renewal of a session's tokens at a
     * time across every node; {@code work} gets the row as it is now and returns what to write back (empty: delete).
     * False when the row is gone.
     */
    public boolean underLock(byte[] idHash, Duration idle, LockedWork work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Row> row;
                try (PreparedStatement s = c.prepareStatement(SELECT_FOR_UPDATE)) {
                    row = read(s, idHash);
                }
                if (row.isEmpty()) {
                    c.rollback();
                    return false;
                }
                Optional<LockedWork.Result> result = work.run(row.get());
                if (result.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(DELETE)) {
                        s.setBytes(1, idHash);
                        s.executeUpdate();
                    }
                } else {
                    update(c, idHash, result.get().attributes(), result.get().index(), idle);
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new SessionStoreException("cannot lock a session", e);
        }
    }

    /** What {@link #underLock} runs. */
    @FunctionalInterface
    public interface LockedWork {
        record Result(byte[] attributes, Index index) {
        }

        Optional<Result> run(Row row);
    }

    private static boolean update(Connection c, byte[] idHash, byte[] attributes, Index index, Duration idle)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPDATE)) {
            s.setBytes(1, attributes);
            s.setBytes(2, index.providerSession());
            s.setBytes(3, index.subject());
            s.setLong(4, idle.toSeconds());
            s.setBytes(5, idHash);
            return s.executeUpdate() == 1;
        }
    }

    private static Optional<Row> read(PreparedStatement s, byte[] idHash) throws SQLException {
        s.setBytes(1, idHash);
        try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return Optional.empty();
            }
            return Optional.of(new Row(r.getBytes(1), r.getTimestamp(2).toInstant(), r.getTimestamp(3).toInstant()));
        }
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private int run(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new SessionStoreException("cannot write a session", e);
        }
    }

    @Override
    public void close() {
        if (owned && dataSource instanceof HikariDataSource pool) {
            pool.close();
        }
    }
}
