package dev.echoid.identity.store;

import dev.echoid.identity.security.LoginThrottle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

public final class JdbcLoginThrottles implements LoginThrottles {

    private static final String LOCKED = "SELECT locked_until FROM login_throttle "
            + "WHERE throttle_key = ? AND locked_until > ?";
    private static final String COLUMNS = "failures, last_failure_at, locked_until, in_flight, reserved_at";
    // The key's row, made empty when there is none, locked until the transaction ends: on any node one attempt at a
    // time reads a key and writes what LoginThrottle decided, so none slips between the check and the count.
    private static final String LOCK_ROW = "INSERT INTO login_throttle AS t (throttle_key, username, failures, "
            + "last_failure_at, in_flight) VALUES (?, ?, 0, ?, 0) ON CONFLICT (throttle_key) DO UPDATE SET "
            + "username = COALESCE(t.username, EXCLUDED.username) RETURNING " + COLUMNS;
    private static final String LOCK_EXISTING = "SELECT " + COLUMNS + " FROM login_throttle WHERE throttle_key = ? "
            + "FOR UPDATE";
    private static final String WRITE_ROW = "UPDATE login_throttle SET failures = ?, last_failure_at = ?, "
            + "locked_until = ?, in_flight = ?, reserved_at = ? WHERE throttle_key = ?";
    private static final String DELETE_ROW = "DELETE FROM login_throttle WHERE throttle_key = ?";
    private static final String FORGET_USER = "DELETE FROM login_throttle WHERE username = ? OR throttle_key = ?";
    // One statement, so concurrent failures all count.
    private static final String FAILURE = "INSERT INTO login_throttle (throttle_key, failures, last_failure_at) "
            + "VALUES (?, 1, ?) ON CONFLICT (throttle_key) DO UPDATE SET "
            + "failures = CASE WHEN login_throttle.last_failure_at < ? THEN 1 ELSE login_throttle.failures + 1 END, "
            + "last_failure_at = EXCLUDED.last_failure_at RETURNING failures";
    private static final String LOCK = "UPDATE login_throttle SET locked_until = ? WHERE throttle_key = ?";

    // a row whose failures no longer count (older than the reset window), that locks nothing and holds no live
    // reservation counts as no row at all: the next attempt starts from zero either way
    private static final String DELETE_SPENT = Jdbc.batchDelete("login_throttle", "last_failure_at < ? "
            + "AND (locked_until IS NULL OR locked_until < ?) AND (reserved_at IS NULL OR reserved_at < ?)");

    private final Jdbc sql;

    public JdbcLoginThrottles(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public Reservation reserve(List<Allowance> allowances, Instant now, Instant resetBefore, Instant staleBefore) {
        // keys in one order on every node: two attempts never wait for each other's rows the other way round
        List<Allowance> ordered = allowances.stream().sorted(Comparator.comparing(Allowance::key)).toList();
        return sql.transaction(Connection.TRANSACTION_READ_COMMITTED, connection -> {
            for (Allowance allowance : ordered) {
                LoginThrottle throttle = lockRow(connection, allowance, now);
                if (!throttle.hasRoom(allowance.threshold(), now, resetBefore, staleBefore)) {
                    connection.rollback(); // all or nothing: the keys reserved so far are given back
                    return throttle.isLocked(now) ? Reservation.LOCKED : Reservation.BUSY;
                }
                write(connection, allowance.key(), throttle.reserved(now, staleBefore));
            }
            return Reservation.RESERVED;
        });
    }

    @Override
    public Failures fail(Allowance allowance, Instant now, Instant resetBefore, Duration waitIncrement,
            Duration maxWait) {
        // the row may be gone (an operator's unlock meanwhile): then this is the first failure
        return sql.transaction(Connection.TRANSACTION_READ_COMMITTED, connection -> {
            LoginThrottle failed = lockRow(connection, allowance, now).failed(allowance.threshold(), now,
                    resetBefore, waitIncrement, maxWait);
            write(connection, allowance.key(), failed);
            return new Failures(failed.failures(), failed.lockedUntil());
        });
    }

    @Override
    public void settle(String key, boolean forget) {
        sql.transaction(Connection.TRANSACTION_READ_COMMITTED, connection -> {
            LoginThrottle throttle;
            try (PreparedStatement s = connection.prepareStatement(LOCK_EXISTING)) {
                s.setString(1, key);
                try (ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    throttle = throttle(row);
                }
            }
            LoginThrottle settled = throttle.settled(forget);
            if (settled.isEmpty()) {
                try (PreparedStatement s = connection.prepareStatement(DELETE_ROW)) {
                    s.setString(1, key);
                    s.executeUpdate();
                }
            } else {
                write(connection, key, settled);
            }
            return null;
        });
    }

    private static LoginThrottle lockRow(Connection connection, Allowance allowance, Instant now)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(LOCK_ROW)) {
            s.setString(1, allowance.key());
            s.setString(2, allowance.username());
            s.setTimestamp(3, Jdbc.timestamp(now));
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return throttle(row);
            }
        }
    }

    private static void write(Connection connection, String key, LoginThrottle throttle) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(WRITE_ROW)) {
            s.setInt(1, throttle.failures());
            s.setTimestamp(2, Jdbc.timestamp(throttle.lastFailureAt()));
            s.setTimestamp(3, Jdbc.timestamp(throttle.lockedUntil()));
            s.setInt(4, throttle.inFlight());
            s.setTimestamp(5, Jdbc.timestamp(throttle.reservedAt()));
            s.setString(6, key);
            s.executeUpdate();
        }
    }

    private static LoginThrottle throttle(ResultSet row) throws SQLException {
        return new LoginThrottle(row.getInt("failures"), Jdbc.instant(row, "last_failure_at"),
                Jdbc.instant(row, "locked_until"), row.getInt("in_flight"), Jdbc.instant(row, "reserved_at"));
    }

    @Override
    public boolean forgetUser(String username) {
        return sql.update(FORGET_USER, s -> {
            s.setString(1, username);
            s.setString(2, "user:" + username);
        }) > 0;
    }

    @Override
    public Optional<Instant> lockedUntil(String key, Instant now) {
        return sql.queryOne(LOCKED, s -> {
            s.setString(1, key);
            s.setTimestamp(2, Jdbc.timestamp(now));
        }, row -> Jdbc.instant(row, "locked_until"));
    }

    @Override
    public int recordFailure(String key, Instant now, Instant resetBefore) {
        return sql.queryOne(FAILURE, s -> {
            s.setString(1, key);
            s.setTimestamp(2, Jdbc.timestamp(now));
            s.setTimestamp(3, Jdbc.timestamp(resetBefore));
        }, row -> row.getInt("failures")).orElseThrow();
    }

    @Override
    public void lock(String key, Instant until) {
        sql.update(LOCK, s -> {
            s.setTimestamp(1, Jdbc.timestamp(until));
            s.setString(2, key);
        });
    }

    @Override
    public boolean reset(String key) {
        return sql.update(DELETE_ROW, s -> s.setString(1, key)) > 0;
    }

    /**
     * Removes at most {@code limit} rows whose last failure is before {@code resetBefore}, not locked at {@code now},
     * whose latest reservation (if any) is before {@code staleBefore}; how many (housekeeping).
     */
    public int deleteSpent(Instant now, Instant resetBefore, Instant staleBefore, int limit) {
        return sql.deleteBatch(DELETE_SPENT, limit, Jdbc.timestamp(resetBefore), Jdbc.timestamp(now),
                Jdbc.timestamp(staleBefore));
    }
}
