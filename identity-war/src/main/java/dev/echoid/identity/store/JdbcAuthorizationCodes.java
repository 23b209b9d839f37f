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
    private static final String DELETE_EXPIRED = "DELETE FROM authorization_code WHERE expires_at < ?";

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
    public int deleteExpired(Instant cutoff) {
        return sql.update(DELETE_EXPIRED, s -> s.setTimestamp(1, timestamp(cutoff)));
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
