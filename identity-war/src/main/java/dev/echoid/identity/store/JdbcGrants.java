package dev.echoid.identity.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcGrants implements Grants {

    private static final String COLUMNS = "id, client_id, user_id, sso_session_id, scope, auth_time, created_at, "
            + "expires_at, revoked_at, login_id";
    private static final String INSERT = "INSERT INTO authorization_grant (" + COLUMNS + ") "
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
        sql.update(tx, INSERT, s -> {
            s.setObject(1, grant.id());
            s.setString(2, grant.clientId());
            s.setObject(3, grant.userId());
            s.setObject(4, grant.ssoSessionId());
            s.setString(5, grant.scope());
            s.setTimestamp(6, Jdbc.timestamp(grant.authTime()));
            s.setTimestamp(7, Jdbc.timestamp(grant.createdAt()));
            s.setTimestamp(8, Jdbc.timestamp(grant.expiresAt()));
            s.setString(9, grant.loginId());
        });
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

    static Grant map(ResultSet row) throws SQLException {
        return new Grant(row.getObject("id", UUID.class), row.getString("client_id"),
                row.getObject("user_id", UUID.class), row.getObject("sso_session_id", UUID.class),
                row.getString("scope"), Jdbc.instant(row, "auth_time"), Jdbc.instant(row, "created_at"),
                Jdbc.instant(row, "expires_at"), Jdbc.instant(row, "revoked_at"),
                row.getString("login_id"));
    }
}
