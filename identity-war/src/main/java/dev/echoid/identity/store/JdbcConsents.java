package dev.echoid.identity.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcConsents implements Consents {

    // the latest answer replaces an earlier one, withdrawn or not
    private static final String RECORD = "INSERT INTO user_consent (user_id, client_id, scope, granted_at, revoked_at) "
            + "VALUES (?, ?, ?, ?, NULL) ON CONFLICT (user_id, client_id) DO UPDATE SET scope = EXCLUDED.scope, "
            + "granted_at = EXCLUDED.granted_at, revoked_at = NULL";
    private static final String OF = "SELECT user_id, client_id, scope, granted_at FROM user_consent "
            + "WHERE user_id = ? AND revoked_at IS NULL ORDER BY client_id";

    private final Jdbc sql;

    public JdbcConsents(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public void record(Consent consent) {
        sql.update(RECORD, s -> {
            s.setObject(1, consent.userId());
            s.setString(2, consent.clientId());
            s.setString(3, consent.scope());
            s.setTimestamp(4, Jdbc.timestamp(consent.grantedAt()));
        });
    }

    @Override
    public List<Consent> of(UUID userId) {
        return sql.query(OF, s -> s.setObject(1, userId), JdbcConsents::map);
    }

    private static Consent map(ResultSet row) throws SQLException {
        return new Consent(row.getObject("user_id", UUID.class), row.getString("client_id"), row.getString("scope"),
                Jdbc.instant(row, "granted_at"));
    }
}
