package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class MeteredDataSourceTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> poolCalls = new ArrayList<>();
    private SQLException poolFailure;

    /** A pool that hands out connections recording what is called on them, or fails when told to. */
    private final DataSource pool = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                if (!method.getName().equals("getConnection")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                if (poolFailure != null) {
                    throw poolFailure;
                }
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                        (connection, call, callArgs) -> {
                            poolCalls.add(call.getName());
                            if (call.getName().equals("getAutoCommit")) {
                                return true;
                            }
                            if (call.getName().equals("commit")) {
                                throw new SQLException("no transaction", "25P01");
                            }
                            return null;
                        });
            });

    private final MeteredDataSource metered = new MeteredDataSource(pool, registry);

    private double inUse() {
        return registry.get("echoid.db.connections.in.use").tag("pool", "container").gauge().value();
    }

    @Test
    void connectionWhenTakenAndReturnedThenCountedInUseMeanwhile() throws Exception {
        assertThat(inUse()).isZero();
        Connection first = metered.getConnection();
        Connection second = metered.getConnection();
        assertThat(inUse()).isEqualTo(2);

        first.close();
        first.close(); // a second close is no second return
        assertThat(inUse()).isEqualTo(1);
        second.close();
        assertThat(inUse()).isZero();

        assertThat(registry.get("echoid.db.connection.acquire").tag("pool", "container").timer().count())
                .isEqualTo(2);
        assertThat(poolCalls).containsExactly("close", "close", "close"); // every close still reaches the pool
    }

    @Test
    void connectionWhenUsedThenCallsAndTheirErrorsPassThroughUnchanged() throws Exception {
        try (Connection connection = metered.getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
            assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class)
                    .hasMessage("no transaction")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25P01"));
            assertThat(connection).isEqualTo(connection).isNotEqualTo(metered.getConnection());
        }
    }

    @Test
    void connectionWhenPoolCannotGiveOneThenFailureCountedAndNothingInUse() {
        poolFailure = new SQLTransientConnectionException("Pool empty. Unable to fetch a connection in 30 seconds");

        assertThatThrownBy(metered::getConnection).isSameAs(poolFailure);

        assertThat(registry.get("echoid.db.connection.acquire.failures").tag("pool", "container").counter().count())
                .isEqualTo(1);
        assertThat(inUse()).isZero();
    }
}
