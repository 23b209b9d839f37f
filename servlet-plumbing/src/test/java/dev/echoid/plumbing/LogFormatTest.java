package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void formatWhenSettingThenTextJsonOrRefused() {
        assertThat(LogFormat.from(SettingsSource.of(Map.of()), "ECHO_LOG_FORMAT")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.from(SettingsSource.of(Map.of("ECHO_LOG_FORMAT", "JSON")), "ECHO_LOG_FORMAT"))
                .isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.from(SettingsSource.of(Map.of("IDENTITY_LOG_FORMAT", " text ")), "IDENTITY_LOG_FORMAT"))
                .isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> LogFormat.from(SettingsSource.of(Map.of("ECHO_LOG_FORMAT", "yaml")),
                "ECHO_LOG_FORMAT"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("ECHO_LOG_FORMAT must be text or json");
    }
}
