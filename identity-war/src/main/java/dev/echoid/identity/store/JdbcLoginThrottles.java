package dev.echoid.identity.store;

import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

public final class JdbcLoginThrottles implements LoginThrottles {

    private static final String LOCKED = "SELECT locked_until FROM login_throttle "
            + "WHERE throttle_key = ? AND locked_until > ?";
    // One statement, so concurrent failures all count.
    private static final String FAILURE = "INSERT INTO login_throttle (throttle_key, failures, last_failure_at) "
            + "VALUES (?, 1, ?) ON CONFLICT (throttle_key) DO UPDATE SET "
            + "failures = CASE WHEN login_throttle.last_failure_at < ? THEN 1 ELSE login_throttle.failures + 1 END, "
            + "last_failure_at = EXCLUDED.last_failure_at RETURNING failures";
    private static final String LOCK = "UPDATE login_throttle SET locked_until = ? WHERE throttle_key = ?";
    private static final String RESET = "DELETE FROM login_throttle WHERE throttle_key = ?";

    private final Sql sql;

    public JdbcLoginThrottles(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public Optional<Instant> lockedUntil(String key, Instant now) {
        return sql.queryOne(LOCKED, s -> {
            s.setString(1, key);
            s.setTimestamp(2, Sql.timestamp(now));
        }, row -> Sql.instant(row, "locked_until"));
    }

    @Override
    public int recordFailure(String key, Instant now, Instant resetBefore) {
        return sql.queryOne(FAILURE, s -> {
            s.setString(1, key);
            s.setTimestamp(2, Sql.timestamp(now));
            s.setTimestamp(3, Sql.timestamp(resetBefore));
        }, row -> row.getInt("failures")).orElseThrow();
    }

    @Override
    public void lock(String key, Instant until) {
        sql.update(LOCK, s -> {
            s.setTimestamp(1, Sql.timestamp(until));
            s.setString(2, key);
        });
    }

    @Override
    public boolean reset(String key) {
        return sql.update(RESET, s -> s.setString(1, key)) > 0;
    }
}
