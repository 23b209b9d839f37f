package dev.echoid.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.health.StartupState;
import dev.echoid.plumbing.InvalidSettingException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class StartupTest {

    @Test
    void failureWhenDatabaseNotThereYetThenTransient() {
        assertThat(Startup.isTransient(new SQLException("refused", "08001", new ConnectException("refused"))))
                .isTrue();
        assertThat(Startup.isTransient(new SQLException("the database system is starting up", "57P03"))).isTrue();
        assertThat(Startup.isTransient(new SQLException("too many clients", "53300"))).isTrue();
        assertThat(Startup.isTransient(new RuntimeException(new UnknownHostException("db")))).as("DNS not yet")
                .isTrue();
        assertThat(Startup.isTransient(new SQLTransientConnectionException("pool timed out"))).isTrue();
    }

    @Test
    void failureWhenCredentialsRefusedOrDatabaseMissingOrMigrationBadThenNotTransientWithReason() {
        SQLException password = new SQLException("password authentication failed", "28P01");
        // inside a pool's timeout (itself a "transient" exception) the refusal still decides
        SQLTransientConnectionException wrapped = new SQLTransientConnectionException("timed out", "28P01", password);
        for (Throwable refused : new Throwable[] {password, wrapped, new SQLException("no role", "28000")}) {
            assertThat(Startup.isTransient(refused)).isFalse();
            assertThat(Startup.reason(refused)).contains("IDENTITY_DB_USER").contains("IDENTITY_DB_PASSWORD");
        }
        SQLException missing = new SQLException("database \"idp\" does not exist", "3D000");
        assertThat(Startup.isTransient(missing)).isFalse();
        assertThat(Startup.reason(missing)).contains("does not exist");
        RuntimeException setting = new InvalidSettingException("IDENTITY_BOOTSTRAP_PASSWORD", "is too short");
        assertThat(Startup.isTransient(setting)).isFalse();
        assertThat(Startup.reason(setting)).contains("setting");
        IllegalStateException unsealed = new IllegalStateException("2 signing key(s) stored unsealed");
        assertThat(Startup.isTransient(unsealed)).isFalse();
        assertThat(Startup.reason(unsealed)).doesNotContain("unsealed").contains("log");
    }

    @Test
    void startWhenDatabaseAppearsAfterSomeAttemptsThenBuiltOnceAndReady() throws Exception {
        StartupState state = new StartupState();
        AtomicInteger tries = new AtomicInteger();
        AtomicInteger builds = new AtomicInteger();
        Startup startup = new Startup(state, database(() -> {
            if (tries.incrementAndGet() < 4) {
                throw new SQLException("refused", "08001", new ConnectException("Connection refused"));
            }
        }), "db", builds::incrementAndGet, () -> { });
        startup.start();
        assertThat(state.phase()).as("the first attempt ran while deploying").isEqualTo(
                StartupState.Phase.WAITING_FOR_DATABASE);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!state.isReady() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(state.isReady()).isTrue();
        assertThat(builds).hasValue(1);
        assertThat(tries).hasValue(4);
        startup.close();
    }

    @Test
    void startWhenBuildFailsForGoodThenFailedOnceCleanedUpAndNotTriedAgain() throws Exception {
        StartupState state = new StartupState();
        AtomicInteger builds = new AtomicInteger();
        AtomicInteger cleanups = new AtomicInteger();
        Startup startup = new Startup(state, database(() -> { }), "db", () -> {
            builds.incrementAndGet();
            throw new SQLException("password authentication failed for user \"idp\"", "28P01");
        }, cleanups::incrementAndGet);
        startup.start();
        Thread.sleep(Startup.FIRST_RETRY.multipliedBy(4).toMillis());
        assertThat(state.phase()).isEqualTo(StartupState.Phase.FAILED);
        assertThat(state.reason()).contains("IDENTITY_DB_PASSWORD").doesNotContain("idp");
        assertThat(builds).hasValue(1);
        assertThat(cleanups).hasValue(1);
        startup.close();
    }

    @Test
    void closeWhileWaitingThenStopsTrying() throws Exception {
        StartupState state = new StartupState();
        AtomicInteger tries = new AtomicInteger();
        Startup startup = new Startup(state, database(() -> {
            tries.incrementAndGet();
            throw new SQLException("refused", "08001");
        }), "db", () -> { }, () -> { });
        startup.start();
        startup.close();
        int seen = tries.get();
        Thread.sleep(Startup.FIRST_RETRY.multipliedBy(3).toMillis());
        assertThat(tries).hasValue(seen);
        assertThat(state.isReady()).isFalse();
    }

    @FunctionalInterface
    private interface Connect {
        void run() throws SQLException;
    }

    /** A data source whose getConnection runs {@code connect}, then hands out a connection that only closes. */
    private static DataSource database(Connect connect) {
        Connection connection = (Connection) java.lang.reflect.Proxy.newProxyInstance(
                StartupTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> null);
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                connect.run();
                return connection;
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
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
            public <T> T unwrap(Class<T> type) {
                return null;
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
