package dev.echoid.identity.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One holder at a time on every node: a PostgreSQL session-level advisory lock, held on one connection of its own
 * for as long as the work takes (so the work itself runs in short transactions on other connections), released when
 * that connection ends in any way.
 */
public final class AdvisoryLock {

    /** "echoidHK": the housekeeping's key, distinct from the audit chainer's ("echoidAC"). */
    public static final long HOUSEKEEPING = 0x6563686f6964484bL;

    private static final Logger LOG = System.getLogger(AdvisoryLock.class.getName());
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(?)";

    private final DataSource dataSource;
    private final long key;

    public AdvisoryLock(DataSource dataSource, long key) {
        this.dataSource = dataSource;
        this.key = key;
    }

    /** The lock, when no session on any node holds it; empty at once otherwise (never waits). */
    public Optional<Held> tryAcquire() {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            if (!ask(connection, TRY_LOCK)) {
                connection.close();
                return Optional.empty();
            }
            return Optional.of(new Held(connection));
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StoreException(e);
        }
    }

    private boolean ask(Connection connection, String statement) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(statement)) {
            s.setLong(1, key);
            try (ResultSet row = s.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken: its session, and any lock it held, ended with it
            }
        }
    }

    /** The lock held; {@link #close} releases it and gives the connection back. */
    public final class Held implements AutoCloseable {

        private final Connection connection;

        private Held(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void close() {
            try {
                if (!ask(connection, UNLOCK)) {
                    throw new SQLException("the advisory lock " + key + " was not held any more");
                }
                connection.close();
            } catch (SQLException e) {
                // a pooled connection must not go back still holding the lock: end its session instead
                LOG.log(Level.WARNING, "Could not release advisory lock " + key + ", closing its connection: "
                        + e.getMessage());
                try {
                    connection.abort(Runnable::run);
                } catch (SQLException | RuntimeException ignored) {
                    // nothing more to do: the pool finds it broken
                }
                closeQuietly(connection);
            }
        }
    }
}
