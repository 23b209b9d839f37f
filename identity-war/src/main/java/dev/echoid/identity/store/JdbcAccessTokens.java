package dev.echoid.identity.store;

import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcAccessTokens implements AccessTokens {

    private static final String INSERT = "INSERT INTO access_token (jti, grant_id, client_id, issued_at, expires_at) "
            + "VALUES (?, ?, ?, ?, ?)";
    // a token works only while its grant, its client and its user (none for client_credentials) are all still in
    // force: disabling an account or a client ends its access tokens at once, as it does its refresh tokens
    private static final String ACTIVE = "SELECT 1 FROM access_token a"
            + " JOIN authorization_grant g ON g.id = a.grant_id"
            + " JOIN client c ON c.client_id = g.client_id"
            + " LEFT JOIN app_user u ON u.id = g.user_id"
            + " WHERE a.jti = ? AND a.revoked_at IS NULL AND g.revoked_at IS NULL AND a.expires_at > now()"
            + " AND c.enabled AND (g.user_id IS NULL OR u.enabled)";
    private static final String REVOKE = "UPDATE access_token SET revoked_at = now() "
            + "WHERE jti = ? AND client_id = ? AND revoked_at IS NULL";

    private final Jdbc sql;

    public JdbcAccessTokens(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void record(String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt) {
        record(null, jti, grantId, clientId, issuedAt, expiresAt);
    }

    @Override
    public void record(Transaction tx, String jti, UUID grantId, String clientId, Instant issuedAt,
            Instant expiresAt) {
        sql.update(tx, INSERT, s -> {
            s.setString(1, jti);
            s.setObject(2, grantId);
            s.setString(3, clientId);
            s.setTimestamp(4, Jdbc.timestamp(issuedAt));
            s.setTimestamp(5, Jdbc.timestamp(expiresAt));
        });
    }

    @Override
    public boolean isActive(String jti) {
        return sql.queryOne(ACTIVE, s -> s.setString(1, jti), row -> Boolean.TRUE).isPresent();
    }

    @Override
    public boolean revoke(String jti, String clientId) {
        return sql.update(REVOKE, s -> {
            s.setString(1, jti);
            s.setString(2, clientId);
        }) == 1;
    }
}
