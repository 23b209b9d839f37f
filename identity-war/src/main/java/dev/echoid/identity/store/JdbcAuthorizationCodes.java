package dev.echoid.identity.store;

import static dev.echoid.identity.store.Jdbc.instant;
import static dev.echoid.identity.store.Jdbc.timestamp;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcAuthorizationCodes implements AuthorizationCodes {

    private static final String COLUMNS = "code_hash, client_id, user_id, redirect_uri, scope, nonce, code_challenge, "
            + "code_challenge_method, auth_time, issued_at, expires_at, redeemed_at, grant_id, sso_session_id, "
            + "login_id";
    private static final String INSERT = "INSERT INTO authorization_code (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)";
    // One statement: of any number of concurrent redemptions, exactly one sees redeemed_at IS NULL.
    private static final String REDEEM = "UPDATE authorization_code SET redeemed_at = now(), grant_id = ? "
            + "WHERE code_hash = ? AND redeemed_at IS NULL RETURNING " + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM authorization_code WHERE code_hash = ?";
    private static final String DELETE_EXPIRED = Jdbc.batchDelete("authorization_code c", "c.expires_at < ? "
            + "AND NOT EXISTS (SELECT 1 FROM authorization_grant g WHERE g.id = c.grant_id) "
            + "AND NOT EXISTS (SELECT 1 FROM sso_session s WHERE s.id = c.sso_session_id AND s.ended_at IS NULL)");
    // one round trip for the reads before a redemption's transaction: the code, its user, the session's amr
    private static final String FIND_FOR_REDEMPTION = "SELECT c.code_hash, c.client_id, c.user_id, c.redirect_uri, "
            + "c.scope, c.nonce, c.code_challenge, c.code_challenge_method, c.auth_time, c.issued_at, c.expires_at, "
            + "c.redeemed_at, c.grant_id, c.sso_session_id, c.login_id, u.id AS app_user_id, u.username, "
            + "u.password_hash, u.name, u.email, u.email_verified, u.enabled, s.amr AS session_amr "
            + "FROM authorization_code c LEFT JOIN app_user u ON u.id = c.user_id "
            + "LEFT JOIN sso_session s ON s.id = c.sso_session_id WHERE c.code_hash = ?";

    private final Jdbc sql;

    public JdbcAuthorizationCodes(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void save(IssuedCode code) {
        sql.update(INSERT, s -> {
            s.setString(1, code.codeHash());
            s.setString(2, code.clientId());
            s.setObject(3, code.userId());
            s.setString(4, code.redirectUri().toString());
            s.setString(5, code.scope());
            s.setString(6, code.nonce());
            s.setString(7, code.codeChallenge());
            s.setString(8, code.codeChallengeMethod());
            s.setTimestamp(9, timestamp(code.authTime()));
            s.setTimestamp(10, timestamp(code.issuedAt()));
            s.setTimestamp(11, timestamp(code.expiresAt()));
            s.setObject(12, code.ssoSessionId());
            s.setString(13, code.loginId());
        });
    }

    @Override
    public Optional<IssuedCode> redeem(Transaction tx, String codeHash, UUID grantId) {
        return sql.queryOne(tx, REDEEM, s -> {
            s.setObject(1, grantId);
            s.setString(2, codeHash);
        }, JdbcAuthorizationCodes::map);
    }

    @Override
    public Optional<IssuedCode> find(String codeHash) {
        return sql.queryOne(FIND, s -> s.setString(1, codeHash), JdbcAuthorizationCodes::map);
    }

    @Override
    public Optional<ForRedemption> findForRedemption(String codeHash) {
        return sql.queryOne(FIND_FOR_REDEMPTION, s -> s.setString(1, codeHash), row -> new ForRedemption(map(row),
                row.getObject("app_user_id") == null ? Optional.empty()
                        : Optional.of(JdbcUsers.map(row, "app_user_id")),
                Optional.ofNullable(row.getString("session_amr"))));
    }

    @Override
    public int deleteExpired(Instant cutoff, int limit) {
        return sql.deleteBatch(DELETE_EXPIRED, limit, timestamp(cutoff));
    }

    private static IssuedCode map(ResultSet row) throws SQLException {
        return new IssuedCode(
                row.getString("code_hash"),
                row.getString("client_id"),
                row.getObject("user_id", UUID.class),
                URI.create(row.getString("redirect_uri")),
                row.getString("scope"),
                row.getString("nonce"),
                row.getString("code_challenge"),
                row.getString("code_challenge_method"),
                instant(row, "auth_time"),
                instant(row, "issued_at"),
                instant(row, "expires_at"),
                instant(row, "redeemed_at"),
                row.getObject("grant_id", UUID.class),
                row.getObject("sso_session_id", UUID.class),
                row.getString("login_id"));
    }
}
