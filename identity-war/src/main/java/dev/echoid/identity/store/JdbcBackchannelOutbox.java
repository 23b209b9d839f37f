package dev.echoid.identity.store;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcBackchannelOutbox implements BackchannelOutbox {

    private static final String COLUMNS = "id, sso_session_id, user_id, client_id, backchannel_logout_uri, login_id, "
            + "state, attempts, created_at, queued_at, next_attempt_at, finished_at, last_error";

    /**
     * The outbox rows of the sessions a data-modifying CTE named {@code ended} (columns {@code id}, {@code user_id})
     * just ended: one per client that received a code in the session and takes logout tokens. Part of the
     * statement that ends the session, so the two commit together ({@link JdbcSsoSessions}).
     */
    static final String ENQUEUE_ENDED = "INSERT INTO backchannel_logout_outbox (id, sso_session_id, user_id, "
            + "client_id, backchannel_logout_uri, login_id) "
            + "SELECT gen_random_uuid(), e.id, e.user_id, c.client_id, c.backchannel_logout_uri, l.login_id "
            + "FROM ended e CROSS JOIN LATERAL (SELECT DISTINCT ON (ac.client_id) ac.client_id, ac.login_id "
            + "FROM authorization_code ac WHERE ac.sso_session_id = e.id ORDER BY ac.client_id, ac.issued_at DESC) l "
            + "JOIN client c ON c.client_id = l.client_id WHERE c.backchannel_logout_uri IS NOT NULL "
            + "ON CONFLICT (sso_session_id, client_id) DO NOTHING";

    // SKIP LOCKED: two workers (or nodes) never claim the same row; the lease keeps it claimed after the commit
    private static final String CLAIM_DUE = "UPDATE backchannel_logout_outbox o SET attempts = o.attempts + 1, "
            + "next_attempt_at = now() + ?::float8 * interval '1 millisecond' FROM (SELECT id FROM backchannel_logout_outbox "
            + "WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT ? "
            + "FOR UPDATE SKIP LOCKED) due WHERE o.id = due.id RETURNING o.*";
    private static final String DELIVERED = "UPDATE backchannel_logout_outbox SET state = 'delivered', "
            + "finished_at = now(), last_error = NULL WHERE id = ? AND state = 'pending'";
    // the attempt's own claim only: a row another worker claimed since (after the lease) is that worker's
    private static final String FAILED = "UPDATE backchannel_logout_outbox o SET "
            + "state = CASE WHEN f.dead THEN 'dead' ELSE 'pending' END, finished_at = CASE WHEN f.dead THEN now() END, "
            + "next_attempt_at = now() + ?::float8 * interval '1 millisecond', last_error = ? "
            + "FROM (SELECT id, (? OR attempts >= ? OR now() + ?::float8 * interval '1 millisecond' "
            + "> queued_at + ?::float8 * interval '1 millisecond') AS dead FROM backchannel_logout_outbox "
            + "WHERE id = ? AND state = 'pending' AND attempts = ? FOR UPDATE) f WHERE o.id = f.id RETURNING o.state";
    private static final String LIST = "SELECT " + COLUMNS + " FROM backchannel_logout_outbox WHERE state = ? "
            + "ORDER BY created_at DESC, id LIMIT ?";
    private static final String RETRY = "UPDATE backchannel_logout_outbox SET state = 'pending', attempts = 0, "
            + "queued_at = now(), next_attempt_at = now(), finished_at = NULL WHERE id = ? AND state = 'dead' "
            + "RETURNING " + COLUMNS;
    private static final String COUNT_BY_STATE = "SELECT state, count(*) FROM backchannel_logout_outbox "
            + "GROUP BY state";
    // delivered rows go after the retention, dead letters after theirs (the operator's time to look)
    private static final String DELETE_FINISHED = Jdbc.batchDelete("backchannel_logout_outbox",
            "((state = 'delivered' AND finished_at < ?) OR (state = 'dead' AND finished_at < ?))");

    private final Jdbc sql;

    public JdbcBackchannelOutbox(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public List<Entry> claimDue(int limit, Duration lease) {
        return sql.query(CLAIM_DUE, s -> {
            s.setLong(1, lease.toMillis());
            s.setInt(2, limit);
        }, JdbcBackchannelOutbox::map);
    }

    @Override
    public boolean delivered(UUID id) {
        return sql.update(DELIVERED, s -> s.setObject(1, id)) == 1;
    }

    @Override
    public Optional<State> failed(UUID id, int attempt, Duration delay, int maxAttempts, Duration maxAge,
            boolean permanent, String error) {
        return sql.queryOne(FAILED, s -> {
            s.setLong(1, delay.toMillis());
            s.setString(2, error);
            s.setBoolean(3, permanent);
            s.setInt(4, maxAttempts);
            s.setLong(5, delay.toMillis());
            s.setLong(6, maxAge.toMillis());
            s.setObject(7, id);
            s.setInt(8, attempt);
        }, row -> State.valueOf(row.getString("state").toUpperCase(java.util.Locale.ROOT)));
    }

    @Override
    public List<Entry> list(State state, int limit) {
        return sql.query(LIST, s -> {
            s.setString(1, state.value());
            s.setInt(2, limit);
        }, JdbcBackchannelOutbox::map);
    }

    @Override
    public Optional<Entry> retry(UUID id) {
        return sql.queryOne(RETRY, s -> s.setObject(1, id), JdbcBackchannelOutbox::map);
    }

    @Override
    public Map<State, Long> countByState() {
        Map<State, Long> counts = new EnumMap<>(State.class);
        for (State state : State.values()) {
            counts.put(state, 0L);
        }
        sql.query(COUNT_BY_STATE, s -> { }, row -> {
            State.of(row.getString(1)).ifPresent(state -> {
                try {
                    counts.put(state, row.getLong(2));
                } catch (SQLException e) {
                    throw new StoreException(e);
                }
            });
            return null;
        });
        return counts;
    }

    /**
     * Removes at most {@code limit} entries delivered before {@code deliveredCutoff} or dead-lettered before
     * {@code deadCutoff}; how many. Pending entries stay: each becomes delivered or dead within its maximum age.
     */
    public int deleteFinished(Instant deliveredCutoff, Instant deadCutoff, int limit) {
        return sql.deleteBatch(DELETE_FINISHED, limit, Jdbc.timestamp(deliveredCutoff), Jdbc.timestamp(deadCutoff));
    }

    private static Entry map(ResultSet row) throws SQLException {
        return new Entry(row.getObject("id", UUID.class), row.getObject("sso_session_id", UUID.class),
                row.getObject("user_id", UUID.class), row.getString("client_id"),
                URI.create(row.getString("backchannel_logout_uri")), row.getString("login_id"),
                State.valueOf(row.getString("state").toUpperCase(java.util.Locale.ROOT)), row.getInt("attempts"),
                Jdbc.instant(row, "created_at"), Jdbc.instant(row, "queued_at"), Jdbc.instant(row, "next_attempt_at"),
                Jdbc.instant(row, "finished_at"), row.getString("last_error"));
    }
}
