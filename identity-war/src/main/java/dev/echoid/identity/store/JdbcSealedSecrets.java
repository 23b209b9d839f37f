package dev.echoid.identity.store;

import dev.echoid.identity.security.Sealer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The secrets stored sealed ({@link Sealer}): private signing keys and TOTP secrets. Counts what is stored unsealed
 * (the provider refuses to start on it once a key is set) and seals it in place (the admin CLI's
 * {@code secrets seal}).
 */
public final class JdbcSealedSecrets {

    private static final String UNSEALED_SIGNING_KEYS =
            "SELECT count(*) FROM signing_key WHERE private_key NOT LIKE 'aesgcm:%'";
    private static final String UNSEALED_TOTP_SECRETS =
            "SELECT count(*) FROM totp_credential WHERE secret NOT LIKE 'aesgcm:%'";
    private static final String SIGNING_KEYS = "SELECT kid, private_key FROM signing_key ORDER BY kid FOR UPDATE";
    private static final String SEAL_SIGNING_KEY = "UPDATE signing_key SET private_key = ? WHERE kid = ?";
    private static final String TOTP_SECRETS =
            "SELECT user_id::text AS id, secret FROM totp_credential ORDER BY user_id FOR UPDATE";
    private static final String SEAL_TOTP_SECRET = "UPDATE totp_credential SET secret = ? WHERE user_id = ?::uuid";

    /** What is stored unsealed, or what one sealing did. */
    public record Count(long signingKeys, long totpSecrets) {

        public boolean none() {
            return signingKeys == 0 && totpSecrets == 0;
        }
    }

    private final Jdbc sql;

    public JdbcSealedSecrets(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    public Count unsealed() {
        return sql.transaction(Connection.TRANSACTION_READ_COMMITTED, connection -> new Count(
                count(connection, UNSEALED_SIGNING_KEYS), count(connection, UNSEALED_TOTP_SECRETS)));
    }

    /**
     * Seals every unsealed signing key and TOTP secret, in one transaction: all or nothing. A value already sealed
     * stays as it is, once proven to open with the same key (so one key seals everything).
     *
     * @return how many values were sealed now (zero when run again)
     * @throws IllegalStateException without a key, or when a sealed value does not open with it (nothing changed)
     */
    public Count sealAll(Sealer signingKeys, Sealer totpSecrets) {
        return sql.transaction(Connection.TRANSACTION_READ_COMMITTED, connection -> new Count(
                seal(connection, SIGNING_KEYS, SEAL_SIGNING_KEY, signingKeys, "signing key"),
                seal(connection, TOTP_SECRETS, SEAL_TOTP_SECRET, totpSecrets, "TOTP secret of user")));
    }

    private static long seal(Connection connection, String select, String update, Sealer sealer, String what)
            throws SQLException {
        Map<String, String> stored = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement(select); ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getString(2));
            }
        }
        long sealed = 0;
        for (Map.Entry<String, String> row : stored.entrySet()) {
            String value;
            try {
                value = sealer.sealStored(row.getValue());
            } catch (IllegalStateException e) {
                throw new IllegalStateException("the " + what + " " + row.getKey() + ": " + e.getMessage(), e);
            }
            if (!value.equals(row.getValue())) {
                try (PreparedStatement s = connection.prepareStatement(update)) {
                    s.setString(1, value);
                    s.setString(2, row.getKey());
                    s.executeUpdate();
                }
                sealed++;
            }
        }
        return sealed;
    }

    private static long count(Connection connection, String query) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(query); ResultSet row = s.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
