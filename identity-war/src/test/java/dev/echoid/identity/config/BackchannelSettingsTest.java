package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackchannelSettingsTest {

    @Test
    void defaultsAreFourWorkersAndAboutAnHourOfAttempts() {
        BackchannelSettings settings = BackchannelSettings.from(SettingsSource.of(Map.of()));
        assertThat(settings.workers()).isEqualTo(4);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxAttempts()).isEqualTo(20);
        assertThat(settings.lease()).as("longer than one attempt").isEqualTo(Duration.ofSeconds(37));
    }

    @Test
    void settingsAreReadByName() {
        BackchannelSettings settings = BackchannelSettings.from(SettingsSource.of(Map.of(
                "IDENTITY_BACKCHANNEL_WORKERS", "8", "IDENTITY_BACKCHANNEL_RETRY_INITIAL_MILLIS", "250",
                "IDENTITY_BACKCHANNEL_RETRY_MAX_MILLIS", "4000", "IDENTITY_BACKCHANNEL_MAX_AGE_SECONDS", "600")));
        assertThat(settings.workers()).isEqualTo(8);
        assertThat(settings.initialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.maxBackoff()).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.maxAge()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void badValuesAreRefusedByName() {
        assertThatThrownBy(() -> BackchannelSettings.from(SettingsSource.of(Map.of(
                "IDENTITY_BACKCHANNEL_WORKERS", "0")))).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_BACKCHANNEL_WORKERS");
        assertThatThrownBy(() -> BackchannelSettings.from(SettingsSource.of(Map.of(
                "IDENTITY_BACKCHANNEL_WORKERS", "many")))).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_BACKCHANNEL_WORKERS");
        assertThatThrownBy(() -> BackchannelSettings.from(SettingsSource.of(Map.of(
                "IDENTITY_BACKCHANNEL_RETRY_INITIAL_MILLIS", "5000", "IDENTITY_BACKCHANNEL_RETRY_MAX_MILLIS", "1000"))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("IDENTITY_BACKCHANNEL_RETRY_MAX");
        assertThatThrownBy(() -> BackchannelSettings.from(SettingsSource.of(Map.of(
                "IDENTITY_BACKCHANNEL_MAX_ATTEMPTS", "0")))).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_BACKCHANNEL_MAX_ATTEMPTS");
        assertThatThrownBy(() -> BackchannelSettings.from(SettingsSource.of(Map.of(
                "IDENTITY_BACKCHANNEL_READ_TIMEOUT_MILLIS", "0")))).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_BACKCHANNEL_READ_TIMEOUT_MILLIS");
    }
}
