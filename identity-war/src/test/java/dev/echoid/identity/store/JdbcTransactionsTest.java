package dev.echoid.identity.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A transaction whose connection the pool closed under it (HikariCP evicts a connection that failed as broken or
 * read-only, and every later call on it throws a plain "Connection is closed"): the failure that reached the
 * caller is the one that says why, so the answer stays a 503, not a 500.
 */
class JdbcTransactionsTest {

    @Test
    void inTransactionWhenConnectionEvictedAfterReadOnlyFailureThenUnavailableNotMaskedByRollback() {
        JdbcTransactions transactions = new JdbcTransactions(new EvictingDataSource());

        StoreException thrown = catchThrowableOfType(StoreException.class, () -> transactions.inTransaction(tx -> {
            throw new StoreException(new SQLException("cannot execute UPDATE in a read-only transaction", "25006"));
        }));

        assertThat(thrown.isUnavailable()).as(String.valueOf(thrown.getCause())).isTrue();
        assertThat(thrown.getSuppressed()).as("the rollback's failure, kept beside it").isNotEmpty();
    }

    @Test
    void inTransactionWhenCommitSucceedsThenResultReturned() {
        JdbcTransactions transactions = new JdbcTransactions(new EvictingDataSource());

        String result = transactions.inTransaction(tx -> "done");
        assertThat(result).isEqualTo("done");
    }

    /** Connections that work until a failure is rolled back, then behave as HikariCP's evicted ones do. */
    private static final class EvictingDataSource implements DataSource {

        @Override
        public Connection getConnection() {
            boolean[] evicted = {false};
            boolean[] autoCommit = {true};
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "close":
                                return null;
                            case "getAutoCommit":
                                return autoCommit[0];
                            case "commit":
                                return null;
                            case "rollback":
                                evicted[0] = true;
                                throw new SQLException("Connection is closed");
                            case "setAutoCommit":
                                if (evicted[0]) {
                                    throw new SQLException("Connection is closed");
                                }
                                autoCommit[0] = (Boolean) args[0];
                                return null;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
