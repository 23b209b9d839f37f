package dev.echoid.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code ECHO_TRUSTED_PROXIES} as the gateway reads it; the matching itself is servlet-plumbing's TrustedProxiesTest. */
class TrustedProxiesSettingTest {

    @Test
    void settingsWhenTrustedProxiesInvalidThenProblemNamesTheSetting() {
        Map<String, String> values = Map.of("ECHO_ISSUER", "https://id.example", "ECHO_CLIENT_ID", "echo",
                "ECHO_CLIENT_SECRET", "s", "ECHO_REDIRECT_URI", "https://gw.example/callback",
                "ECHO_TRUSTED_PROXIES", "10.0.0.1 proxy.example");
        assertThatThrownBy(() -> GatewaySettings.from(name -> Optional.ofNullable(values.get(name))))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("ECHO_TRUSTED_PROXIES")
                .hasMessageContaining("proxy.example");
    }

    @Test
    void settingsWhenTrustedProxiesSetThenRead() {
        Map<String, String> values = Map.of("ECHO_ISSUER", "https://id.example", "ECHO_CLIENT_ID", "echo",
                "ECHO_CLIENT_SECRET", "s", "ECHO_REDIRECT_URI", "https://gw.example/callback",
                "ECHO_TRUSTED_PROXIES", "10.0.0.0/8");
        GatewaySettings settings = GatewaySettings.from(name -> Optional.ofNullable(values.get(name)));
        assertThat(settings.trustedProxies().contains("10.1.2.3")).isTrue();
        assertThat(GatewaySettings.builder().issuer("https://id.example").clientId("echo").clientSecret("s")
                .redirectUri("https://gw.example/callback").build().trustedProxies().isEmpty()).isTrue();
    }
}
