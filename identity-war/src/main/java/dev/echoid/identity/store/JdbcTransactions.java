package dev.echoid.identity.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

public final class JdbcTransactions implements Transactions {

    private final DataSource dataSource;

    public JdbcTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T inTransaction(java.util.function.Function<Transaction, T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // READ COMMITTED is the connection's own level (Database): asking or setting it is a round trip each
            connection.setAutoCommit(false);
            T result;
            Transaction tx = new Transaction(connection);
            try {
                result = work.apply(tx);
                connection.commit();
            } catch (SQLException | RuntimeException | Error e) {
                Jdbc.undo(connection, autoCommit, e);
                throw e;
            }
            tx.committed();
            connection.setAutoCommit(autoCommit);
            return result;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
