package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failed connections the pool drops: every "unavailable" one, read-only ones included. */
class DatabaseFailuresTest {

    @Test
    void evictionWhenReadOnlyOrBrokenOrShuttingDownThenConnectionMustBeDropped() {
        // 25006: HikariCP would keep a connection to a read-only server, and every write on it would fail again
        for (String state : new String[] {"25006", "08006", "08003", "57P01", "57P02", "57P03"}) {
            assertThat(DatabaseFailures.EVICTION.adjudicate(new SQLException("no", state))).as(state)
                    .isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
        }
    }

    @Test
    void evictionWhenAStatementFailedThenHikariDecidesAsItWould() {
        for (String state : new String[] {"23505", "40001", "42P01", "22001", "P0001"}) {
            assertThat(DatabaseFailures.EVICTION.adjudicate(new SQLException("no", state))).as(state)
                    .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        }
        assertThat(DatabaseFailures.EVICTION.adjudicate(new SQLException("no state")))
                .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
    }

    @Test
    void unavailableWhenReadOnlyFoundAmongTheCauses() {
        RuntimeException wrapped = new RuntimeException(new SQLException("cannot execute INSERT in a read-only"
                + " transaction", "25006"));
        assertThat(DatabaseFailures.isUnavailable(wrapped)).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new RuntimeException(new SQLException("dup", "23505")))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(null)).isFalse();
    }
}
