package dev.echoid.identity.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which database failures are "unavailable" (503, try again) and which are a failed statement (500). */
class StoreExceptionTest {

    @Test
    void unavailableWhenNoConnectionCouldBeHadOrTheServerStopsServing() {
        // HikariCP's "Connection is not available, request timed out after 30000ms"
        assertThat(new StoreException(new SQLTransientConnectionException("identity - timed out")).isUnavailable())
                .isTrue();
        // the driver: connection refused (08001), broken link (08006), shutting down (57P01, 57P03), full (53300),
        // read-only (25006: a standby, or a primary fenced or demoted during a failover)
        for (String state : new String[] {"08001", "08006", "08003", "57P01", "57P02", "57P03", "53300", "25006"}) {
            assertThat(new StoreException(new SQLException("no", state)).isUnavailable()).as(state).isTrue();
        }
        SQLException refused = new SQLException("Cannot create PoolableConnectionFactory");
        refused.initCause(new ConnectException("Connection refused"));
        assertThat(new StoreException(refused).isUnavailable()).as("a container pool's wrapped refusal").isTrue();
    }

    @Test
    void notUnavailableWhenAStatementFailed() {
        for (String state : new String[] {"23505", "42P01", "40001", "22001", "P0001"}) {
            assertThat(new StoreException(new SQLException("no", state)).isUnavailable()).as(state).isFalse();
        }
        assertThat(new StoreException(new SQLException("no state")).isUnavailable()).isFalse();
        assertThat(new StoreException(new IllegalStateException("bug")).isUnavailable()).isFalse();
    }

    @Test
    void unavailableInWhenWrappedByFacesOrElThenFound() {
        StoreException unavailable = new StoreException(new SQLException("no", "08001"));
        RuntimeException wrapped = new RuntimeException("jakarta.faces.FacesException",
                new RuntimeException("jakarta.el.ELException", unavailable));

        assertThat(StoreException.unavailableIn(wrapped)).isTrue();
        assertThat(StoreException.unavailableIn(new RuntimeException(new StoreException(new SQLException("x",
                "23505"))))).isFalse();
        assertThat(StoreException.unavailableIn(null)).isFalse();
    }
}
