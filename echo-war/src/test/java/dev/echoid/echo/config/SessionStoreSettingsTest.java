package dev.echoid.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionStoreSettingsTest {

    @Test
    void storeWhenUnsetThenMemory() {
        assertThat(SessionStoreSettings.from(SettingsSource.of(Map.of())).shared()).isFalse();
    }

    @Test
    void jdbcWhenUrlGivenThenSharedWithDefaultPool() {
        SessionStoreSettings settings = SessionStoreSettings.from(SettingsSource.of(Map.of(
                SessionStoreSettings.STORE, "JDBC", SessionStoreSettings.URL, "jdbc:postgresql://db/echo?password=p",
                SessionStoreSettings.USER, "echo")));
        assertThat(settings.shared()).isTrue();
        assertThat(settings.poolSize()).isEqualTo(SessionStoreSettings.DEFAULT_POOL_SIZE);
        assertThat(settings.user()).contains("echo");
        assertThat(settings.toString()).doesNotContain("password=p");
    }

    @Test
    void badValuesWhenReadThenRefusedNamingTheSetting() {
        assertThatThrownBy(() -> SessionStoreSettings.from(SettingsSource.of(Map.of(SessionStoreSettings.STORE,
                "redis")))).isInstanceOf(InvalidSettingException.class).hasMessageContaining("ECHO_SESSION_STORE");
        assertThatThrownBy(() -> SessionStoreSettings.from(SettingsSource.of(Map.of(SessionStoreSettings.STORE,
                "jdbc")))).isInstanceOf(InvalidSettingException.class).hasMessageContaining("ECHO_SESSION_DB_URL");
        assertThatThrownBy(() -> SessionStoreSettings.from(SettingsSource.of(Map.of(SessionStoreSettings.STORE,
                "jdbc", SessionStoreSettings.URL, "jdbc:mysql://db/echo")))).hasMessageContaining("jdbc:postgresql:");
        assertThatThrownBy(() -> SessionStoreSettings.from(SettingsSource.of(Map.of(SessionStoreSettings.STORE,
                "jdbc", SessionStoreSettings.URL, "jdbc:postgresql://db/echo", SessionStoreSettings.POOL_SIZE, "0"))))
                .hasMessageContaining("ECHO_SESSION_DB_POOL_SIZE");
    }
}
