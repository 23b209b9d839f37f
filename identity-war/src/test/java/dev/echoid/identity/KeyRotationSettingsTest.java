package dev.echoid.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRotationSettingsTest {

    private static final String ISSUER = "https://id.example/identity";

    @Test
    void fromWhenUnsetThenTenMinutePublishDelayAndNoAdminToken() {
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", ISSUER)));
        assertThat(settings.keyRotation().publishDelay()).isEqualTo(Duration.ofSeconds(600));
        assertThat(settings.adminApi().token()).isEmpty();
        assertThat(settings.maxTokenLifetime()).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void fromWhenSetThenRead() {
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", ISSUER,
                "IDENTITY_KEY_PUBLISH_DELAY_SECONDS", "2", "IDENTITY_ADMIN_TOKEN", "a".repeat(32),
                "IDENTITY_ACCESS_TOKEN_TTL_SECONDS", "3600")));
        assertThat(settings.keyRotation().publishDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.adminApi().token()).hasValue("a".repeat(32));
        assertThat(settings.maxTokenLifetime()).isEqualTo(Duration.ofSeconds(3600));
    }

    @Test
    void fromWhenDelayNegativeOrNotANumberOrAdminTokenShortThenErrorNamesTheSetting() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", ISSUER,
                "IDENTITY_KEY_PUBLISH_DELAY_SECONDS", "-1"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("IDENTITY_KEY_PUBLISH_DELAY_SECONDS");
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", ISSUER,
                "IDENTITY_KEY_PUBLISH_DELAY_SECONDS", "ten"))))
                .hasMessageStartingWith("IDENTITY_KEY_PUBLISH_DELAY_SECONDS");
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", ISSUER,
                "IDENTITY_ADMIN_TOKEN", "short"))))
                .hasMessageStartingWith("IDENTITY_ADMIN_TOKEN");
    }
}
