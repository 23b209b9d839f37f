package dev.echoid.identity.store;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcSsoSessions implements SsoSessions {

    private static final String COLUMNS = "id, user_id, auth_time, created_at, last_seen_at, expires_at, ended_at, amr, "
            + "login_id";
    private static final String INSERT = "INSERT INTO sso_session (id, secret_hash, user_id, auth_time, created_at, "
            + "last_seen_at, expires_at, amr, login_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM sso_session WHERE secret_hash = ?";
    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM sso_session WHERE id = ?";
    // a session ends in the statement that queues its back-channel logouts: both commit, or neither
    private static final String END_ALL = "WITH ended AS (UPDATE sso_session SET ended_at = now() "
            + "WHERE user_id = ? AND ended_at IS NULL RETURNING id, user_id), "
            + "queued AS (" + JdbcBackchannelOutbox.ENQUEUE_ENDED + ") SELECT id FROM ended";
    private static final String SET_AMR = "UPDATE sso_session SET amr = ? WHERE id = ?";
    private static final String TOUCH = "UPDATE sso_session SET last_seen_at = ?, auth_time = ? "
            + "WHERE id = ? AND ended_at IS NULL";
    private static final String COUNT_ACTIVE = "SELECT count(*) FROM sso_session "
            + "WHERE ended_at IS NULL AND expires_at > ? AND last_seen_at > ?";
    private static final String END = "WITH ended AS (UPDATE sso_session SET ended_at = now() "
            + "WHERE id = ? AND ended_at IS NULL RETURNING id, user_id), "
            + "queued AS (" + JdbcBackchannelOutbox.ENQUEUE_ENDED + ") SELECT id FROM ended";
    private static final String REAUTHENTICATED = "UPDATE sso_session SET last_seen_at = ?, auth_time = ?, "
            + "login_id = ? WHERE id = ? AND ended_at IS NULL";
    private static final String LOGIN_ID = "SELECT login_id FROM sso_session WHERE id = ? AND login_id IS NOT NULL";
    private static final String LOGIN_IDS = "SELECT login_id FROM sso_session WHERE id = ? AND login_id IS NOT NULL "
            + "UNION SELECT login_id FROM authorization_code WHERE sso_session_id = ? AND login_id IS NOT NULL";
    // one row per client, with the login id of its latest code in the session
    private static final String CLIENTS = "SELECT DISTINCT ON (c.client_id) c.client_id, c.backchannel_logout_uri, "
            + "ac.login_id FROM authorization_code ac JOIN client c ON c.client_id = ac.client_id "
            + "WHERE ac.sso_session_id = ? ORDER BY c.client_id, ac.issued_at DESC";

    // no longer live (ended, past its absolute end, or idle) before the cut-off, and nothing refers to it: a grant
    // (its refreshes read the session's amr, its logout revokes the grant) or a code that may still be redeemed
    private static final String DELETE_ENDED = Jdbc.batchDelete("sso_session s",
            "(s.ended_at < ? OR s.expires_at < ? OR s.last_seen_at < ?) "
            + "AND NOT EXISTS (SELECT 1 FROM authorization_grant g WHERE g.sso_session_id = s.id) "
            + "AND NOT EXISTS (SELECT 1 FROM authorization_code c WHERE c.sso_session_id = s.id "
            + "AND c.expires_at >= ?)");

    private final Jdbc sql;

    public JdbcSsoSessions(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void create(SsoSession session, String secretHash) {
        sql.update(INSERT, s -> {
            s.setObject(1, session.id());
            s.setString(2, secretHash);
            s.setObject(3, session.userId());
            s.setTimestamp(4, Jdbc.timestamp(session.authTime()));
            s.setTimestamp(5, Jdbc.timestamp(session.createdAt()));
            s.setTimestamp(6, Jdbc.timestamp(session.lastSeenAt()));
            s.setTimestamp(7, Jdbc.timestamp(session.expiresAt()));
            s.setString(8, session.amr());
            s.setString(9, session.loginId());
        });
    }

    @Override
    public Optional<SsoSession> findBySecret(String secretHash) {
        return sql.queryOne(FIND, s -> s.setString(1, secretHash), JdbcSsoSessions::map);
    }

    @Override
    public void touch(UUID id, Instant lastSeenAt, Instant authTime) {
        sql.update(TOUCH, s -> {
            s.setTimestamp(1, Jdbc.timestamp(lastSeenAt));
            s.setTimestamp(2, Jdbc.timestamp(authTime));
            s.setObject(3, id);
        });
    }

    @Override
    public Optional<SsoSession> find(UUID id) {
        return sql.queryOne(FIND_BY_ID, s -> s.setObject(1, id), JdbcSsoSessions::map);
    }

    @Override
    public List<UUID> endAllOf(UUID userId) {
        return sql.query(END_ALL, s -> s.setObject(1, userId), row -> row.getObject("id", UUID.class));
    }

    @Override
    public void setAmr(UUID id, String amr) {
        sql.update(SET_AMR, s -> {
            s.setString(1, amr);
            s.setObject(2, id);
        });
    }

    @Override
    public void reauthenticated(UUID id, Instant authTime, String loginId) {
        sql.update(REAUTHENTICATED, s -> {
            s.setTimestamp(1, Jdbc.timestamp(authTime));
            s.setTimestamp(2, Jdbc.timestamp(authTime));
            s.setString(3, loginId);
            s.setObject(4, id);
        });
    }

    @Override
    public Optional<String> loginIdOf(UUID id) {
        return sql.queryOne(LOGIN_ID, s -> s.setObject(1, id), row -> row.getString("login_id"));
    }

    @Override
    public List<String> loginIdsOf(UUID id) {
        return sql.query(LOGIN_IDS, s -> {
            s.setObject(1, id);
            s.setObject(2, id);
        }, row -> row.getString("login_id")).stream().sorted().toList();
    }

    @Override
    public long countActive(Instant now, java.time.Duration idleTtl) {
        return sql.queryOne(COUNT_ACTIVE, s -> {
            s.setTimestamp(1, Jdbc.timestamp(now));
            s.setTimestamp(2, Jdbc.timestamp(now.minus(idleTtl)));
        }, row -> row.getLong(1)).orElse(0L);
    }

    @Override
    public boolean end(UUID id) {
        return !sql.query(END, s -> s.setObject(1, id), row -> row.getObject("id", UUID.class)).isEmpty();
    }

    @Override
    public List<SignedInClient> clientsOf(UUID id) {
        return sql.query(CLIENTS, s -> s.setObject(1, id), row -> {
            String uri = row.getString("backchannel_logout_uri");
            return new SignedInClient(row.getString("client_id"), uri == null ? null : URI.create(uri),
                    row.getString("login_id"));
        });
    }

    /**
     * Removes at most {@code limit} sessions that stopped being live before {@code cutoff} (idle: unused for
     * {@code idleTtl} before it) and that no grant or unexpired code refers to; how many.
     */
    public int deleteEnded(Instant cutoff, java.time.Duration idleTtl, int limit) {
        java.sql.Timestamp at = Jdbc.timestamp(cutoff);
        return sql.deleteBatch(DELETE_ENDED, limit, at, at, Jdbc.timestamp(cutoff.minus(idleTtl)), at);
    }

    private static SsoSession map(ResultSet row) throws SQLException {
        return new SsoSession(row.getObject("id", UUID.class), row.getObject("user_id", UUID.class),
                Jdbc.instant(row, "auth_time"), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "last_seen_at"),
                Jdbc.instant(row, "expires_at"), Jdbc.instant(row, "ended_at"), row.getString("amr"),
                row.getString("login_id"));
    }
}
