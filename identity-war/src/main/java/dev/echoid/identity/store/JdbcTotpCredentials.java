package dev.echoid.identity.store;

import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcTotpCredentials implements TotpCredentials {

    private static final String FIND = "SELECT user_id, secret, last_used_step FROM totp_credential WHERE user_id = ?";
    // insert-only: an enrolment never overwrites an authenticator (a replacement proves the old one first)
    private static final String SAVE = "INSERT INTO totp_credential (user_id, secret, last_used_step) VALUES (?, ?, ?) "
            + "ON CONFLICT (user_id) DO NOTHING";
    private static final String REPLACE = "UPDATE totp_credential SET secret = ?, last_used_step = ?, created_at = now() "
            + "WHERE user_id = ? AND secret = ?";
    // RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the same OTP"
    private static final String USE = "UPDATE totp_credential SET last_used_step = ? "
            + "WHERE user_id = ? AND last_used_step < ?";
    private static final String DELETE = "DELETE FROM totp_credential WHERE user_id = ?";

    private final Jdbc sql;

    public JdbcTotpCredentials(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public Optional<TotpCredential> find(UUID userId) {
        return sql.queryOne(FIND, s -> s.setObject(1, userId), row -> new TotpCredential(
                row.getObject("user_id", UUID.class), row.getString("secret"), row.getLong("last_used_step")));
    }

    @Override
    public boolean save(UUID userId, String sealedSecret, long confirmedStep) {
        return sql.update(SAVE, s -> {
            s.setObject(1, userId);
            s.setString(2, sealedSecret);
            s.setLong(3, confirmedStep);
        }) == 1;
    }

    @Override
    public boolean replace(UUID userId, String expectedSealedSecret, String sealedSecret, long confirmedStep) {
        return sql.update(REPLACE, s -> {
            s.setString(1, sealedSecret);
            s.setLong(2, confirmedStep);
            s.setObject(3, userId);
            s.setString(4, expectedSealedSecret);
        }) == 1;
    }

    @Override
    public boolean use(UUID userId, long step) {
        return sql.update(USE, s -> {
            s.setLong(1, step);
            s.setObject(2, userId);
            s.setLong(3, step);
        }) == 1;
    }

    @Override
    public boolean delete(UUID userId) {
        return sql.update(DELETE, s -> s.setObject(1, userId)) == 1;
    }
}
