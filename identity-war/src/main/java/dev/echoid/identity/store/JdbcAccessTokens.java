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

    // an expired token is refused by its exp claim before its record is read; a missing record is inactive too
    private static final String DELETE_EXPIRED = Jdbc.batchDelete("access_token", "expires_at < ?");
    // a grant's first token: the grant and the token (and its refresh token) in one statement, one round trip; the
    // foreign keys are checked at the statement's end, when all its rows are in
    private static final String INSERT_WITH_GRANT = "WITH g AS (" + JdbcGrants.INSERT + ") " + INSERT;
    private static final String INSERT_WITH_REFRESH = "WITH r AS (" + JdbcRefreshTokens.INSERT + ") " + INSERT;
    private static final String INSERT_WITH_GRANT_AND_REFRESH = "WITH g AS (" + JdbcGrants.INSERT + "), r AS ("
            + JdbcRefreshTokens.INSERT + ") " + INSERT;

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
    public void record(Transaction tx, String jti, Grant grant, boolean newGrant, String clientId,
            Instant issuedAt, Instant expiresAt, IssuedRefreshToken refresh) {
        String statement = newGrant ? (refresh == null ? INSERT_WITH_GRANT : INSERT_WITH_GRANT_AND_REFRESH)
                : (refresh == null ? INSERT : INSERT_WITH_REFRESH);
        sql.update(tx, statement, s -> {
            int next = newGrant ? JdbcGrants.bind(s, 0, grant) : 0;
            if (refresh != null) {
                s.setString(next + 1, refresh.tokenHash());
                s.setObject(next + 2, grant.id());
                s.setTimestamp(next + 3, Jdbc.timestamp(refresh.issuedAt()));
                s.setTimestamp(next + 4, Jdbc.timestamp(refresh.expiresAt()));
                s.setString(next + 5, refresh.rotatedFrom());
                s.setString(next + 6, jti);
                next += 6;
            }
            s.setString(next + 1, jti);
            s.setObject(next + 2, grant.id());
            s.setString(next + 3, clientId);
            s.setTimestamp(next + 4, Jdbc.timestamp(issuedAt));
            s.setTimestamp(next + 5, Jdbc.timestamp(expiresAt));
        });
    }

    @Override
    public boolean isActive(String jti) {
        return sql.queryOne(ACTIVE, s -> s.setString(1, jti), row -> Boolean.TRUE).isPresent();
    }

    /** Removes at most {@code limit} records of tokens that expired before {@code cutoff}; how many (housekeeping). */
    public int deleteExpired(Instant cutoff, int limit) {
        return sql.deleteBatch(DELETE_EXPIRED, limit, Jdbc.timestamp(cutoff));
    }

    @Override
    public boolean revoke(String jti, String clientId) {
        return sql.update(REVOKE, s -> {
            s.setString(1, jti);
            s.setString(2, clientId);
        }) == 1;
    }
}
