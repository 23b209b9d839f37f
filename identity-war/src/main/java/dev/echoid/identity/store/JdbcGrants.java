package dev.echoid.identity.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcGrants implements Grants {

    private static final String COLUMNS = "id, client_id, user_id, sso_session_id, scope, auth_time, created_at, "
            + "expires_at, revoked_at, login_id";
    static final String INSERT = "INSERT INTO authorization_grant (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM authorization_grant WHERE id = ?";
    private static final String FIND_BY_ACCESS_TOKEN = "SELECT " + COLUMNS + " FROM authorization_grant "
            + "WHERE id = (SELECT grant_id FROM access_token WHERE jti = ?)";
    private static final String REVOKE = "UPDATE authorization_grant SET revoked_at = now(), revoked_reason = ? "
            + "WHERE id = ? AND revoked_at IS NULL";
    // scope is space-delimited: match the whole token
    private static final String REVOKE_BY_SESSION = "UPDATE authorization_grant SET revoked_at = now(), "
            + "revoked_reason = ? WHERE sso_session_id = ? AND revoked_at IS NULL "
            + "AND NOT (? = ANY (string_to_array(scope, ' ')))";

    // a grant acts only through its tokens: with none left (each went after it expired) nothing can use it again;
    // a grant and its first tokens are inserted in one transaction, so a new grant is never without them
    private static final String DELETE_ENDED = Jdbc.batchDelete("authorization_grant g", "g.created_at < ? "
            + "AND NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.grant_id = g.id) "
            + "AND NOT EXISTS (SELECT 1 FROM access_token a WHERE a.grant_id = g.id)");

    private final Jdbc sql;

    public JdbcGrants(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void create(Grant grant) {
        create(null, grant);
    }

    @Override
    public void create(Transaction tx, Grant grant) {
        sql.update(tx, INSERT, s -> bind(s, 0, grant));
    }

    /** Binds {@link #INSERT}'s 9 parameters after the first {@code offset}; the next free one is returned. */
    static int bind(PreparedStatement s, int offset, Grant grant) throws SQLException {
        s.setObject(offset + 1, grant.id());
        s.setString(offset + 2, grant.clientId());
        s.setObject(offset + 3, grant.userId());
        s.setObject(offset + 4, grant.ssoSessionId());
        s.setString(offset + 5, grant.scope());
        s.setTimestamp(offset + 6, Jdbc.timestamp(grant.authTime()));
        s.setTimestamp(offset + 7, Jdbc.timestamp(grant.createdAt()));
        s.setTimestamp(offset + 8, Jdbc.timestamp(grant.expiresAt()));
        s.setString(offset + 9, grant.loginId());
        return offset + 9;
    }

    @Override
    public Optional<Grant> find(UUID id) {
        return sql.queryOne(FIND, s -> s.setObject(1, id), JdbcGrants::map);
    }

    @Override
    public Optional<Grant> findByAccessToken(String jti) {
        return sql.queryOne(FIND_BY_ACCESS_TOKEN, s -> s.setString(1, jti), JdbcGrants::map);
    }

    @Override
    public void revoke(UUID id, String reason) {
        sql.update(REVOKE, s -> {
            s.setString(1, reason);
            s.setObject(2, id);
        });
    }

    @Override
    public int revokeBySession(UUID ssoSessionId, String keepScope, String reason) {
        return sql.update(REVOKE_BY_SESSION, s -> {
            s.setString(1, reason);
            s.setObject(2, ssoSessionId);
            s.setString(3, keepScope);
        });
    }

    /** Removes at most {@code limit} grants made before {@code cutoff} that have no token left; how many. */
    public int deleteEnded(java.time.Instant cutoff, int limit) {
        return sql.deleteBatch(DELETE_ENDED, limit, Jdbc.timestamp(cutoff));
    }

    static Grant map(ResultSet row) throws SQLException {
        return new Grant(row.getObject("id", UUID.class), row.getString("client_id"),
                row.getObject("user_id", UUID.class), row.getObject("sso_session_id", UUID.class),
                row.getString("scope"), Jdbc.instant(row, "auth_time"), Jdbc.instant(row, "created_at"),
                Jdbc.instant(row, "expires_at"), Jdbc.instant(row, "revoked_at"),
                row.getString("login_id"));
    }
}
