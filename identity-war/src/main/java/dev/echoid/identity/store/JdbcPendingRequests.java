package dev.echoid.identity.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcPendingRequests implements PendingRequests {

    private static final String INSERT = "INSERT INTO pending_authorization (id_hash, browser_hash, request, "
            + "expires_at) VALUES (?, ?, ?, ?)";
    private static final String FIND = "SELECT request, password_verified_user FROM pending_authorization "
            + "WHERE id_hash = ? AND browser_hash = ? AND expires_at > ?";
    // One statement: of two concurrent completions of the same request, one gets it.
    private static final String TAKE = "DELETE FROM pending_authorization "
            + "WHERE id_hash = ? AND browser_hash = ? AND expires_at > ? RETURNING request, password_verified_user";
    private static final String PASSWORD_VERIFIED = "UPDATE pending_authorization SET password_verified_user = ? "
            + "WHERE id_hash = ? AND browser_hash = ?";
    private static final String DELETE_EXPIRED = Jdbc.batchDelete("pending_authorization", "expires_at < ?");

    private final Jdbc sql;

    public JdbcPendingRequests(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void save(String idHash, String browserHash, String requestJson, Instant expiresAt) {
        sql.update(INSERT, s -> {
            s.setString(1, idHash);
            s.setString(2, browserHash);
            s.setString(3, requestJson);
            s.setTimestamp(4, Jdbc.timestamp(expiresAt));
        });
    }

    @Override
    public Optional<PendingRequest> find(String idHash, String browserHash, Instant now) {
        return sql.queryOne(FIND, s -> bind(s, idHash, browserHash, now), JdbcPendingRequests::map);
    }

    @Override
    public Optional<PendingRequest> take(String idHash, String browserHash, Instant now) {
        return sql.queryOne(TAKE, s -> bind(s, idHash, browserHash, now), JdbcPendingRequests::map);
    }

    @Override
    public void passwordVerified(String idHash, String browserHash, UUID userId) {
        sql.update(PASSWORD_VERIFIED, s -> {
            s.setObject(1, userId);
            s.setString(2, idHash);
            s.setString(3, browserHash);
        });
    }

    @Override
    public int deleteExpired(Instant now, int limit) {
        return sql.deleteBatch(DELETE_EXPIRED, limit, Jdbc.timestamp(now));
    }

    private static void bind(java.sql.PreparedStatement s, String idHash, String browserHash, Instant now)
            throws java.sql.SQLException {
        s.setString(1, idHash);
        s.setString(2, browserHash);
        s.setTimestamp(3, Jdbc.timestamp(now));
    }

    private static PendingRequest map(java.sql.ResultSet row) throws java.sql.SQLException {
        return new PendingRequest(row.getString("request"), row.getObject("password_verified_user", UUID.class));
    }
}
