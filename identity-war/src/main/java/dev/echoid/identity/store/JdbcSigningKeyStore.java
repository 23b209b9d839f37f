package dev.echoid.identity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

public final class JdbcSigningKeyStore implements SigningKeyStore {

    private static final String ALL = "SELECT kid, algorithm, public_key, private_key, created_at, active "
            + "FROM signing_key ORDER BY created_at DESC";
    // A transaction-scoped advisory lock serialises key creation across nodes that start at the same time.
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('echoid.signing_key'))";
    private static final String HAS_ACTIVE = "SELECT 1 FROM signing_key WHERE algorithm = ? AND active";
    private static final String INSERT = "INSERT INTO signing_key (kid, algorithm, public_key, private_key, active) "
            + "VALUES (?, ?, ?, ?, true)";

    private final DataSource dataSource;
    private final Sql sql;

    public JdbcSigningKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.sql = new Sql(dataSource);
    }

    @Override
    public List<StoredKey> all() {
        return sql.query(ALL, s -> { }, JdbcSigningKeyStore::map);
    }

    @Override
    public void ensureActiveKey(String algorithm, Supplier<StoredKey> generator) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                    lock.execute();
                }
                boolean present;
                try (PreparedStatement query = connection.prepareStatement(HAS_ACTIVE)) {
                    query.setString(1, algorithm);
                    try (ResultSet rows = query.executeQuery()) {
                        present = rows.next();
                    }
                }
                if (!present) {
                    StoredKey key = generator.get();
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        insert.setString(1, key.kid());
                        insert.setString(2, key.algorithm());
                        insert.setBytes(3, key.publicKey());
                        insert.setString(4, key.privateKey());
                        insert.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static StoredKey map(ResultSet row) throws SQLException {
        return new StoredKey(row.getString("kid"), row.getString("algorithm"), row.getBytes("public_key"),
                row.getString("private_key"), Sql.instant(row, "created_at"), row.getBoolean("active"));
    }
}
