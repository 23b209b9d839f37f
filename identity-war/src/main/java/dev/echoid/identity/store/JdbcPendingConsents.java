package dev.echoid.identity.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcPendingConsents implements PendingConsents {

    private static final String INSERT = "INSERT INTO pending_consent (id_hash, browser_hash, sso_session_id, request, "
            + "expires_at) VALUES (?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT request FROM pending_consent "
            + "WHERE id_hash = ? AND browser_hash = ? AND sso_session_id = ? AND expires_at > ?";
    // One statement: of two concurrent answers to the same request, one gets it.
    private static final String TAKE = "DELETE FROM pending_consent "
            + "WHERE id_hash = ? AND browser_hash = ? AND sso_session_id = ? AND expires_at > ? RETURNING request";
    private static final String DELETE_EXPIRED = Jdbc.batchDelete("pending_consent", "expires_at < ?");

    private final Jdbc sql;

    public JdbcPendingConsents(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void save(String idHash, String browserHash, UUID ssoSessionId, String requestJson, Instant expiresAt) {
        sql.update(INSERT, s -> {
            s.setString(1, idHash);
            s.setString(2, browserHash);
            s.setObject(3, ssoSessionId);
            s.setString(4, requestJson);
            s.setTimestamp(5, Jdbc.timestamp(expiresAt));
        });
    }

    @Override
    public Optional<String> find(String idHash, String browserHash, UUID ssoSessionId, Instant now) {
        return sql.queryOne(FIND, s -> bind(s, idHash, browserHash, ssoSessionId, now), row -> row.getString(1));
    }

    @Override
    public Optional<String> take(String idHash, String browserHash, UUID ssoSessionId, Instant now) {
        return sql.queryOne(TAKE, s -> bind(s, idHash, browserHash, ssoSessionId, now), row -> row.getString(1));
    }

    @Override
    public int deleteExpired(Instant now, int limit) {
        return sql.deleteBatch(DELETE_EXPIRED, limit, Jdbc.timestamp(now));
    }

    private static void bind(PreparedStatement s, String idHash, String browserHash, UUID ssoSessionId, Instant now)
            throws SQLException {
        s.setString(1, idHash);
        s.setString(2, browserHash);
        s.setObject(3, ssoSessionId);
        s.setTimestamp(4, Jdbc.timestamp(now));
    }
}
