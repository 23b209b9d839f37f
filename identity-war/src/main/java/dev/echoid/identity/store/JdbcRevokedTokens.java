package dev.echoid.identity.store;

import java.time.Instant;
import javax.sql.DataSource;

public final class JdbcRevokedTokens implements RevokedTokens {

    private static final String INSERT = "INSERT INTO revoked_access_token (jti, expires_at, reason) VALUES (?, ?, ?) "
            + "ON CONFLICT (jti) DO NOTHING";
    private static final String EXISTS = "SELECT 1 FROM revoked_access_token WHERE jti = ?";

    private final Sql sql;

    public JdbcRevokedTokens(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void revoke(String jti, Instant expiresAt, String reason) {
        sql.update(INSERT, s -> {
            s.setString(1, jti);
            s.setTimestamp(2, Sql.timestamp(expiresAt));
            s.setString(3, reason);
        });
    }

    @Override
    public boolean isRevoked(String jti) {
        return sql.queryOne(EXISTS, s -> s.setString(1, jti), row -> Boolean.TRUE).isPresent();
    }
}
