package dev.echoid.identity.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connection-pool meters for a data source this web application does not own: the container's JNDI pool (Tomcat's
 * {@code context.xml}, WildFly's {@code datasource.cli}), which keeps its own statistics in the container (JMX, the
 * management model) where {@code /metrics} cannot see them. Measured from the application's side of the pool:
 * <ul>
 *   <li>{@code echoid_db_connections_in_use{pool="container"}}: connections this deployment holds now;</li>
 *   <li>{@code echoid_db_connection_acquire_seconds{pool="container"}}: time to get one from the pool (waiting for a
 *       free connection shows here first when the pool is too small);</li>
 *   <li>{@code echoid_db_connection_acquire_failures_total{pool="container"}}: requests the pool could not serve.</li>
 * </ul>
 * A pool the WAR owns (HikariCP, from {@code IDENTITY_DB_URL}) reports {@code hikaricp_*} itself instead.
 */
public final class MeteredDataSource implements DataSource {

    private static final String POOL = "container";

    private final DataSource pool;
    private final AtomicInteger inUse = new AtomicInteger();
    private final Timer acquire;
    private final Counter failures;

    public MeteredDataSource(DataSource pool, MeterRegistry registry) {
        this.pool = pool;
        Gauge.builder("echoid.db.connections.in.use", inUse, AtomicInteger::get)
                .description("Connections of the container's pool that this deployment holds")
                .tag("pool", POOL)
                .register(registry);
        this.acquire = Timer.builder("echoid.db.connection.acquire")
                .description("Time to get a connection from the container's pool")
                .tag("pool", POOL)
                .register(registry);
        this.failures = Counter.builder("echoid.db.connection.acquire.failures")
                .description("Connections the container's pool could not give")
                .tag("pool", POOL)
                .register(registry);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return metered(pool::getConnection);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return metered(() -> pool.getConnection(username, password));
    }

    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private Connection metered(ConnectionSource source) throws SQLException {
        long start = System.nanoTime();
        Connection connection;
        try {
            connection = source.get();
        } catch (SQLException | RuntimeException e) {
            failures.increment();
            throw e;
        } finally {
            acquire.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        inUse.incrementAndGet();
        return tracked(connection);
    }

    /** The pool's connection, whose first {@code close()} (its return to the pool) is counted. */
    private Connection tracked(Connection connection) {
        AtomicBoolean returned = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0
                            && returned.compareAndSet(false, true)) {
                        inUse.decrementAndGet();
                    } else if (method.getName().equals("equals") && method.getParameterCount() == 1) {
                        return proxy == args[0];
                    } else if (method.getName().equals("hashCode") && method.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                    return invoke(connection, method, args);
                });
    }

    private static Object invoke(Connection connection, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // the SQLException as the driver threw it
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
