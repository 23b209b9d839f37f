package dev.echoid.identity.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcRefreshTokens implements RefreshTokens {

    private static final String COLUMNS = "token_hash, grant_id, issued_at, expires_at, rotated_at";
    // the token it succeeds and the access token issued with it: what a retry revokes
    static final String INSERT = "INSERT INTO refresh_token (token_hash, grant_id, issued_at, expires_at, "
            + "rotated_from, access_jti) VALUES (?, ?, ?, ?, ?, ?)";
    // One statement: of any number of concurrent uses, exactly one sees rotated_at IS NULL.
    private static final String ROTATE = "UPDATE refresh_token SET rotated_at = now() "
            + "WHERE token_hash = ? AND rotated_at IS NULL RETURNING " + COLUMNS;
    // One statement: the unused successor of a token rotated within the window is marked used and its access token
    // revoked; a concurrent retry waits for the successor's row lock, then finds it used.
    private static final String REVOKE_UNUSED_SUCCESSOR = "WITH successor AS (UPDATE refresh_token s "
            + "SET rotated_at = now() WHERE s.rotated_from = ? AND s.rotated_at IS NULL AND EXISTS (SELECT 1 FROM "
            + "refresh_token o WHERE o.token_hash = s.rotated_from AND o.rotated_at >= now() - make_interval(secs => ?))"
            + " RETURNING s.token_hash, s.access_jti), access AS (UPDATE access_token SET revoked_at = now() "
            + "WHERE jti IN (SELECT access_jti FROM successor) AND revoked_at IS NULL) SELECT token_hash FROM successor";
    private static final String FIND = "SELECT " + COLUMNS + " FROM refresh_token WHERE token_hash = ?";
    // one round trip for all the refresh grant reads before its transaction: the token, its grant, the user, the amr
    private static final String FIND_FOR_REFRESH = "SELECT r.token_hash, r.grant_id, r.issued_at AS token_issued_at, "
            + "r.expires_at AS token_expires_at, r.rotated_at, g.id, g.client_id, g.user_id, g.sso_session_id, "
            + "g.scope, g.auth_time, g.created_at, g.expires_at, g.revoked_at, g.login_id, "
            + "u.id AS app_user_id, u.username, u.password_hash, u.name, u.email, u.email_verified, u.enabled, "
            + "s.amr AS session_amr FROM refresh_token r JOIN authorization_grant g ON g.id = r.grant_id "
            + "LEFT JOIN app_user u ON u.id = g.user_id LEFT JOIN sso_session s ON s.id = g.sso_session_id "
            + "WHERE r.token_hash = ?";

    // a used token is kept until it expires: until then its reuse revokes the grant (RFC 9700 §4.14.2); once
    // expired it is refused as expired, before reuse is looked at
    private static final String DELETE_EXPIRED = Jdbc.batchDelete("refresh_token", "expires_at < ?");

    private static final String FIND_WITH_GRANT = "SELECT r.token_hash, r.grant_id, r.issued_at AS token_issued_at, "
            + "r.expires_at AS token_expires_at, r.rotated_at, g.id, g.client_id, g.user_id, g.sso_session_id, "
            + "g.scope, g.auth_time, g.created_at, g.expires_at, g.revoked_at, g.login_id "
            + "FROM refresh_token r JOIN authorization_grant g ON g.id = r.grant_id WHERE r.token_hash = ?";

    private final Jdbc sql;

    public JdbcRefreshTokens(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void save(Transaction tx, String tokenHash, UUID grantId, Instant issuedAt, Instant expiresAt) {
        sql.update(tx, INSERT, s -> {
            s.setString(1, tokenHash);
            s.setObject(2, grantId);
            s.setTimestamp(3, Jdbc.timestamp(issuedAt));
            s.setTimestamp(4, Jdbc.timestamp(expiresAt));
            s.setString(5, null);
            s.setString(6, null);
        });
    }

    @Override
    public Optional<String> revokeUnusedSuccessor(Transaction tx, String tokenHash, Duration window) {
        return sql.queryOne(tx, REVOKE_UNUSED_SUCCESSOR, s -> {
            s.setString(1, tokenHash);
            s.setDouble(2, window.toMillis() / 1000.0);
        }, row -> row.getString("token_hash"));
    }

    @Override
    public Optional<StoredRefreshToken> markUsed(Transaction tx, String tokenHash) {
        return sql.queryOne(tx, ROTATE, s -> s.setString(1, tokenHash), JdbcRefreshTokens::map);
    }

    @Override
    public Optional<StoredRefreshToken> find(String tokenHash) {
        return sql.queryOne(FIND, s -> s.setString(1, tokenHash), JdbcRefreshTokens::map);
    }

    @Override
    public Optional<WithGrant> findWithGrant(String tokenHash, Grants grants) {
        return sql.queryOne(FIND_WITH_GRANT, s -> s.setString(1, tokenHash), row -> new WithGrant(
                new StoredRefreshToken(row.getString("token_hash"), row.getObject("grant_id", UUID.class),
                        Jdbc.instant(row, "token_issued_at"), Jdbc.instant(row, "token_expires_at"),
                        Jdbc.instant(row, "rotated_at")),
                JdbcGrants.map(row)));
    }

    @Override
    public Optional<ForRefresh> findForRefresh(String tokenHash) {
        return sql.queryOne(FIND_FOR_REFRESH, s -> s.setString(1, tokenHash), row -> new ForRefresh(
                new StoredRefreshToken(row.getString("token_hash"), row.getObject("grant_id", UUID.class),
                        Jdbc.instant(row, "token_issued_at"), Jdbc.instant(row, "token_expires_at"),
                        Jdbc.instant(row, "rotated_at")),
                JdbcGrants.map(row),
                row.getObject("app_user_id") == null ? Optional.empty()
                        : Optional.of(JdbcUsers.map(row, "app_user_id")),
                Optional.ofNullable(row.getString("session_amr"))));
    }

    /** Removes at most {@code limit} tokens, used or not, that expired before {@code cutoff}; how many. */
    public int deleteExpired(Instant cutoff, int limit) {
        return sql.deleteBatch(DELETE_EXPIRED, limit, Jdbc.timestamp(cutoff));
    }

    private static StoredRefreshToken map(ResultSet row) throws SQLException {
        return new StoredRefreshToken(row.getString("token_hash"), row.getObject("grant_id", UUID.class),
                Jdbc.instant(row, "issued_at"), Jdbc.instant(row, "expires_at"), Jdbc.instant(row, "rotated_at"));
    }
}
