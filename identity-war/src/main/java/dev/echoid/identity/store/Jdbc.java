package dev.echoid.identity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The few JDBC moves the stores make: one statement, parameters bound, rows mapped in one place. */
final class Jdbc {

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        return query(null, sql, binder, mapper);
    }

    /** As {@link #query(String, Binder, RowMapper)}, in {@code tx} when it is not null. */
    <T> List<T> query(Transaction tx, String sql, Binder binder, RowMapper<T> mapper) {
        return withConnection(tx, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet rows = statement.executeQuery()) {
                    List<T> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapper.map(rows));
                    }
                    return result;
                }
            }
        });
    }

    <T> Optional<T> queryOne(String sql, Binder binder, RowMapper<T> mapper) {
        return queryOne(null, sql, binder, mapper);
    }

    <T> Optional<T> queryOne(Transaction tx, String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(tx, sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String sql, Binder binder) {
        return update(null, sql, binder);
    }

    /** As {@link #update(String, Binder)}, in {@code tx} when it is not null. */
    int update(Transaction tx, String sql, Binder binder) {
        return withConnection(tx, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }

    /** The transaction's connection (left open), or a connection of its own in auto-commit (closed after). */
    private <T> T withConnection(Transaction tx, Work<T> work) {
        try {
            if (tx != null) {
                return work.run(tx.connection());
            }
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Runs {@code work} in one transaction at the given isolation level; commits, or rolls back on failure. */
    <T> T transaction(int isolation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // connections are READ COMMITTED (Database): only another level is set, and put back after
            boolean otherLevel = isolation != Connection.TRANSACTION_READ_COMMITTED;
            connection.setAutoCommit(false);
            if (otherLevel) {
                connection.setTransactionIsolation(isolation);
            }
            T result;
            try {
                result = work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                undo(connection, autoCommit, e);
                throw e;
            }
            if (otherLevel) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            connection.setAutoCommit(autoCommit);
            return result;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Rolls back after {@code failure} and restores auto-commit; what fails here is added to {@code failure}, never
     * thrown in its place: a connection the pool closed when the database went away (HikariCP's "Connection is
     * closed") must not hide the failure that says so, or the answer is a 500 instead of a 503.
     */
    static void undo(Connection connection, boolean autoCommit, Throwable failure) {
        try {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * A statement that deletes at most {@code LIMIT} rows of {@code table} (a name, with an alias when {@code where}
     * uses one) matching {@code where}: one short transaction that locks only those rows. The rows are picked by
     * ctid and {@code where} is checked again on each, so a row a request changed meanwhile (a reservation, a touch)
     * is left alone. Parameters: {@code where}'s, the limit, then {@code where}'s again ({@link #deleteBatch}).
     */
    static String batchDelete(String table, String where) {
        return "DELETE FROM " + table + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " WHERE " + where
                + " LIMIT ?)) AND " + where;
    }

    /** Runs a {@link #batchDelete} statement: {@code values} bound to its {@code where} twice, around the limit. */
    int deleteBatch(String statement, int limit, Object... values) {
        return update(statement, s -> {
            int index = 1;
            for (Object value : values) {
                s.setObject(index++, value);
            }
            s.setInt(index++, limit);
            for (Object value : values) {
                s.setObject(index++, value);
            }
        });
    }

    static java.time.Instant instant(ResultSet row, String column) throws SQLException {
        java.sql.Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    static java.sql.Timestamp timestamp(java.time.Instant instant) {
        return instant == null ? null : java.sql.Timestamp.from(instant);
    }
}
