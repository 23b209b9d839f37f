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

    private static final String COLUMNS = "id, user_id, auth_time, created_at, last_seen_at, expires_at, ended_at, amr";
    private static final String INSERT = "INSERT INTO sso_session (id, secret_hash, user_id, auth_time, created_at, "
            + "last_seen_at, expires_at, amr) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM sso_session WHERE secret_hash = ?";
    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM sso_session WHERE id = ?";
    private static final String END_ALL = "UPDATE sso_session SET ended_at = now() "
            + "WHERE user_id = ? AND ended_at IS NULL RETURNING id";
    private static final String SET_AMR = "UPDATE sso_session SET amr = ? WHERE id = ?";
    private static final String TOUCH = "UPDATE sso_session SET last_seen_at = ?, auth_time = ? "
            + "WHERE id = ? AND ended_at IS NULL";
    private static final String END = "UPDATE sso_session SET ended_at = now() WHERE id = ? AND ended_at IS NULL";
    private static final String CLIENTS = "SELECT DISTINCT c.client_id, c.backchannel_logout_uri "
            + "FROM authorization_code ac JOIN client c ON c.client_id = ac.client_id WHERE ac.sso_session_id = ?";

    private final Sql sql;

    public JdbcSsoSessions(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void create(SsoSession session, String secretHash) {
        sql.update(INSERT, s -> {
            s.setObject(1, session.id());
            s.setString(2, secretHash);
            s.setObject(3, session.userId());
            s.setTimestamp(4, Sql.timestamp(session.authTime()));
            s.setTimestamp(5, Sql.timestamp(session.createdAt()));
            s.setTimestamp(6, Sql.timestamp(session.lastSeenAt()));
            s.setTimestamp(7, Sql.timestamp(session.expiresAt()));
            s.setString(8, session.amr());
        });
    }

    @Override
    public Optional<SsoSession> findBySecret(String secretHash) {
        return sql.queryOne(FIND, s -> s.setString(1, secretHash), JdbcSsoSessions::map);
    }

    @Override
    public void touch(UUID id, Instant lastSeenAt, Instant authTime) {
        sql.update(TOUCH, s -> {
            s.setTimestamp(1, Sql.timestamp(lastSeenAt));
            s.setTimestamp(2, Sql.timestamp(authTime));
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
    public boolean end(UUID id) {
        return sql.update(END, s -> s.setObject(1, id)) == 1;
    }

    @Override
    public List<SignedInClient> clientsOf(UUID id) {
        return sql.query(CLIENTS, s -> s.setObject(1, id), row -> {
            String uri = row.getString("backchannel_logout_uri");
            return new SignedInClient(row.getString("client_id"), uri == null ? null : URI.create(uri));
        });
    }

    private static SsoSession map(ResultSet row) throws SQLException {
        return new SsoSession(row.getObject("id", UUID.class), row.getObject("user_id", UUID.class),
                Sql.instant(row, "auth_time"), Sql.instant(row, "created_at"), Sql.instant(row, "last_seen_at"),
                Sql.instant(row, "expires_at"), Sql.instant(row, "ended_at"), row.getString("amr"));
    }
}
