package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IDENTITY_DB_CONNECTION_TIMEOUT_SECONDS: how long a request waits for a connection of the WAR's own pool. */
class DatabaseConnectionTimeoutTest {

    @Test
    void connectionTimeoutWhenUnsetThenHikariDefaultOf30Seconds() {
        assertThat(Database.connectionTimeoutSeconds(SettingsSource.of(Map.of()))).isEqualTo(30);
    }

    @Test
    void connectionTimeoutWhenSetThenUsed() {
        assertThat(Database.connectionTimeoutSeconds(SettingsSource.of(
                Map.of(Database.CONNECTION_TIMEOUT, "5")))).isEqualTo(5);
    }

    @Test
    void connectionTimeoutWhenNotAWholeNumberInRangeThenRefusedByName() {
        for (String bad : new String[] {"0", "-1", "601", "2.5", "soon"}) {
            assertThatThrownBy(() -> Database.connectionTimeoutSeconds(SettingsSource.of(
                    Map.of(Database.CONNECTION_TIMEOUT, bad))))
                    .as(bad).isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining(Database.CONNECTION_TIMEOUT);
        }
    }
}
