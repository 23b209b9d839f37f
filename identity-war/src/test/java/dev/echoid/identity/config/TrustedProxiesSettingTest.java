package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.SettingsSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code IDENTITY_TRUSTED_PROXIES} as the provider reads it; the matching itself is servlet-plumbing's TrustedProxiesTest. */
class TrustedProxiesSettingTest {

    @Test
    void settingsWhenNoneConfiguredThenNobodyIsTrusted() {
        assertThat(IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", "https://id.example")))
                .trustedProxies().isEmpty()).isTrue();
    }

    @Test
    void settingsWhenAnEntryIsNoAddressThenRejectedNamingTheSetting() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example", "IDENTITY_TRUSTED_PROXIES", "10.0.0.1 nope"))))
                .hasMessageContaining("IDENTITY_TRUSTED_PROXIES");
    }
}
