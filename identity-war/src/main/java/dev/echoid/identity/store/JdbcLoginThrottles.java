package dev.echoid.identity.store;

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
    // What is in flight, unless the latest reservation is stale (its node may have stopped before settling).
    private static final String IN_FLIGHT = "(CASE WHEN t.reserved_at IS NULL OR t.reserved_at < ? THEN 0 "
            + "ELSE t.in_flight END)";
    private static final String FAILURES = "(CASE WHEN t.last_failure_at < ? THEN 0 ELSE t.failures END)";
    // One statement per key: the row lock it takes makes the check and the increment one step, on any node.
    private static final String RESERVE = "INSERT INTO login_throttle AS t (throttle_key, username, failures, "
            + "last_failure_at, in_flight, reserved_at) VALUES (?, ?, 0, ?, 1, ?) "
            + "ON CONFLICT (throttle_key) DO UPDATE SET in_flight = " + IN_FLIGHT + " + 1, "
            + "reserved_at = EXCLUDED.reserved_at, username = COALESCE(t.username, EXCLUDED.username) "
            + "WHERE (t.locked_until IS NULL OR t.locked_until <= ?) "
            + "AND " + IN_FLIGHT + " < GREATEST(1, ? - " + FAILURES + ") RETURNING t.in_flight";
    private static final String NEW_COUNT = "(CASE WHEN t.last_failure_at < ? THEN 1 ELSE t.failures + 1 END)";
    // The lock as LoginPolicy.lockAfter computes it, set in the statement that counts, so no attempt slips between.
    private static final String FAIL = "INSERT INTO login_throttle AS t (throttle_key, username, failures, "
            + "last_failure_at, in_flight, locked_until) VALUES (?, ?, 1, ?, 0, ?) "
            + "ON CONFLICT (throttle_key) DO UPDATE SET in_flight = GREATEST(t.in_flight - 1, 0), "
            + "failures = " + NEW_COUNT + ", last_failure_at = EXCLUDED.last_failure_at, "
            + "locked_until = CASE WHEN " + NEW_COUNT + " >= ? THEN EXCLUDED.last_failure_at + "
            + "LEAST(CAST(? AS bigint), CAST(? AS bigint) * (" + NEW_COUNT + " - ? + 1)) * interval '1 second' "
            + "ELSE NULL END "
            + "RETURNING failures, locked_until";
    private static final String SETTLE = "UPDATE login_throttle SET in_flight = GREATEST(in_flight - 1, 0), "
            + "failures = CASE WHEN ? THEN 0 ELSE failures END, "
            + "locked_until = CASE WHEN ? THEN NULL ELSE locked_until END WHERE throttle_key = ?";
    private static final String DROP_EMPTY = "DELETE FROM login_throttle "
            + "WHERE throttle_key = ? AND failures = 0 AND in_flight = 0";
    private static final String FORGET_USER = "DELETE FROM login_throttle WHERE username = ? OR throttle_key = ?";
    // One statement, so concurrent failures all count.
    private static final String FAILURE = "INSERT INTO login_throttle (throttle_key, failures, last_failure_at) "
            + "VALUES (?, 1, ?) ON CONFLICT (throttle_key) DO UPDATE SET "
            + "failures = CASE WHEN login_throttle.last_failure_at < ? THEN 1 ELSE login_throttle.failures + 1 END, "
            + "last_failure_at = EXCLUDED.last_failure_at RETURNING failures";
    private static final String LOCK = "UPDATE login_throttle SET locked_until = ? WHERE throttle_key = ?";
    private static final String RESET = "DELETE FROM login_throttle WHERE throttle_key = ?";

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
                if (!reserveOne(connection, allowance, now, resetBefore, staleBefore)) {
                    boolean locked = lockedNow(connection, allowance.key(), now);
                    connection.rollback(); // all or nothing: the keys reserved so far are given back
                    return locked ? Reservation.LOCKED : Reservation.BUSY;
                }
            }
            return Reservation.RESERVED;
        });
    }

    private static boolean reserveOne(Connection connection, Allowance allowance, Instant now, Instant resetBefore,
            Instant staleBefore) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(RESERVE)) {
            s.setString(1, allowance.key());
            s.setString(2, allowance.username());
            s.setTimestamp(3, Jdbc.timestamp(now));
            s.setTimestamp(4, Jdbc.timestamp(now));
            s.setTimestamp(5, Jdbc.timestamp(staleBefore));
            s.setTimestamp(6, Jdbc.timestamp(now));
            s.setTimestamp(7, Jdbc.timestamp(staleBefore));
            s.setInt(8, allowance.threshold());
            s.setTimestamp(9, Jdbc.timestamp(resetBefore));
            try (ResultSet row = s.executeQuery()) {
                return row.next();
            }
        }
    }

    private static boolean lockedNow(Connection connection, String key, Instant now) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(LOCKED)) {
            s.setString(1, key);
            s.setTimestamp(2, Jdbc.timestamp(now));
            try (ResultSet row = s.executeQuery()) {
                return row.next();
            }
        }
    }

    @Override
    public Failures fail(Allowance allowance, Instant now, Instant resetBefore, Duration waitIncrement,
            Duration maxWait) {
        // the row may be gone (an operator's unlock meanwhile): then this is the first failure
        Instant firstLock = allowance.threshold() <= 1 ? now.plus(min(waitIncrement, maxWait)) : null;
        return sql.queryOne(FAIL, s -> {
            s.setString(1, allowance.key());
            s.setString(2, allowance.username());
            s.setTimestamp(3, Jdbc.timestamp(now));
            s.setTimestamp(4, Jdbc.timestamp(firstLock));
            s.setTimestamp(5, Jdbc.timestamp(resetBefore));
            s.setTimestamp(6, Jdbc.timestamp(resetBefore));
            s.setInt(7, allowance.threshold());
            s.setLong(8, maxWait.toSeconds());
            s.setLong(9, waitIncrement.toSeconds());
            s.setTimestamp(10, Jdbc.timestamp(resetBefore));
            s.setInt(11, allowance.threshold());
        }, row -> new Failures(row.getInt("failures"), Jdbc.instant(row, "locked_until"))).orElseThrow();
    }

    @Override
    public void settle(String key, boolean forget) {
        sql.update(SETTLE, s -> {
            s.setBoolean(1, forget);
            s.setBoolean(2, forget);
            s.setString(3, key);
        });
        sql.update(DROP_EMPTY, s -> s.setString(1, key));
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
        return sql.update(RESET, s -> s.setString(1, key)) > 0;
    }

    /**
     * Removes at most {@code limit} rows whose last failure is before {@code resetBefore}, not locked at {@code now},
     * whose latest reservation (if any) is before {@code staleBefore}; how many (housekeeping).
     */
    public int deleteSpent(Instant now, Instant resetBefore, Instant staleBefore, int limit) {
        return sql.deleteBatch(DELETE_SPENT, limit, Jdbc.timestamp(resetBefore), Jdbc.timestamp(now),
                Jdbc.timestamp(staleBefore));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
