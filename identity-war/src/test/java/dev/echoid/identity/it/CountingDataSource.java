package dev.echoid.identity.it;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A DataSource that records the SQL of every statement prepared or executed on its connections (each a round trip),
 * and can make the ones a test names fail, as a database that goes away mid-transaction would.
 */
final class CountingDataSource {

    final List<String> statements = new CopyOnWriteArrayList<>();
    /** The statements and the driver's own round trips: the isolation level asked or set, commit, rollback. */
    final List<String> roundTrips = new CopyOnWriteArrayList<>();
    volatile Predicate<String> failWhen = sql -> false;
    private final DataSource target;

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return result instanceof Connection connection ? connection(connection) : result;
                });
    }

    void reset() {
        statements.clear();
        roundTrips.clear();
    }

    private Connection connection(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if ((name.equals("prepareStatement") || name.equals("prepareCall")) && args != null
                    && args[0] instanceof String sql) {
                statements.add(sql);
                roundTrips.add(sql);
                if (failWhen.test(sql)) {
                    throw new SQLException("the connection was lost (a fault the test injects): " + sql);
                }
            }
            if (name.equals("createStatement")) {
                statements.add("(createStatement)");
                roundTrips.add("(createStatement)");
            }
            // pgjdbc sends each of these to the server on its own (BEGIN goes with the first statement)
            switch (name) {
                case "getTransactionIsolation" -> roundTrips.add("(SHOW TRANSACTION ISOLATION LEVEL)");
                case "setTransactionIsolation" -> roundTrips.add("(SET SESSION CHARACTERISTICS AS TRANSACTION)");
                case "commit" -> roundTrips.add("(COMMIT)");
                case "rollback" -> roundTrips.add("(ROLLBACK)");
                default -> { }
            }
            return invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
