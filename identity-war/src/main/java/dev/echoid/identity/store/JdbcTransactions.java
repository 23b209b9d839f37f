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
            try {
                Transaction tx = new Transaction(connection);
                T result = work.apply(tx);
                connection.commit();
                tx.committed();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
