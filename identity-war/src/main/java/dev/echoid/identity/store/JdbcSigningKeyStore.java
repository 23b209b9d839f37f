package dev.echoid.identity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;

public final class JdbcSigningKeyStore implements SigningKeyStore {

    private static final String COLUMNS = "kid, algorithm, public_key, private_key, created_at, not_before, retired_at";
    private static final String ALL = "SELECT " + COLUMNS + " FROM signing_key ORDER BY not_before DESC, created_at DESC";
    // A transaction-scoped advisory lock serialises key creation and rotation across nodes.
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('echoid.signing_key'))";
    private static final String OF_ALGORITHM = "SELECT " + COLUMNS + " FROM signing_key WHERE algorithm = ? "
            + "ORDER BY not_before DESC, created_at DESC";
    private static final String INSERT = "INSERT INTO signing_key (kid, algorithm, public_key, private_key, "
            + "created_at, not_before) VALUES (?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final Jdbc sql;

    public JdbcSigningKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public List<StoredKey> all() {
        return sql.query(ALL, s -> { }, JdbcSigningKeyStore::map);
    }

    @Override
    public StoredKey findOrInsert(String algorithm, Predicate<StoredKey> sufficient, Supplier<StoredKey> generator) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            StoredKey key;
            try {
                try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                    lock.execute();
                }
                List<StoredKey> existing = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement(OF_ALGORITHM)) {
                    query.setString(1, algorithm);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            existing.add(map(rows));
                        }
                    }
                }
                key = existing.stream().filter(sufficient).findFirst().orElse(null);
                if (key == null) {
                    key = generator.get();
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        insert.setString(1, key.kid());
                        insert.setString(2, key.algorithm());
                        insert.setBytes(3, key.publicKey());
                        insert.setString(4, key.privateKey());
                        insert.setTimestamp(5, Jdbc.timestamp(key.createdAt()));
                        insert.setTimestamp(6, Jdbc.timestamp(key.notBefore()));
                        insert.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                Jdbc.undo(connection, autoCommit, e);
                throw e;
            }
            connection.setAutoCommit(autoCommit);
            return key;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static StoredKey map(ResultSet row) throws SQLException {
        return new StoredKey(row.getString("kid"), row.getString("algorithm"), row.getBytes("public_key"),
                row.getString("private_key"), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "not_before"),
                Jdbc.instant(row, "retired_at"));
    }
}
