package dev.echoid.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    private static Map<String, String> required() {
        Map<String, String> values = new HashMap<>();
        values.put("ECHO_ISSUER", "http://localhost:9000/identity");
        values.put("ECHO_CLIENT_ID", "echo");
        values.put("ECHO_CLIENT_SECRET", "top-secret");
        values.put("ECHO_REDIRECT_URI", "http://localhost:5000/callback");
        return values;
    }

    private static GatewaySettings read(Map<String, String> values) {
        return GatewaySettings.from(name -> Optional.ofNullable(values.get(name)));
    }

    @Test
    void fromWhenOnlyRequiredSetThenDefaultsApplied() {
        GatewaySettings settings = read(required());

        assertThat(settings.issuer()).isEqualTo("http://localhost:9000/identity");
        assertThat(settings.scopes()).containsExactly("openid", "profile", "email");
        assertThat(settings.devMode()).isFalse();
        assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void fromWhenRequiredMissingThenEveryMissingNameReported() {
        Map<String, String> values = required();
        values.remove("ECHO_ISSUER");
        values.remove("ECHO_CLIENT_SECRET");

        assertThatThrownBy(() -> read(values))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("ECHO_ISSUER")
                .hasMessageContaining("ECHO_CLIENT_SECRET")
                .hasMessageNotContaining("ECHO_CLIENT_ID");
    }

    @Test
    void fromWhenSkewOutOfRangeThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_CLOCK_SKEW_SECONDS", "301");

        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_CLOCK_SKEW_SECONDS");
    }

    @Test
    void fromWhenSkewZeroOrMaxThenAccepted() {
        Map<String, String> values = required();
        values.put("ECHO_CLOCK_SKEW_SECONDS", "0");
        assertThat(read(values).clockSkew()).isZero();
        values.put("ECHO_CLOCK_SKEW_SECONDS", "300");
        assertThat(read(values).clockSkew()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void fromWhenDevModeNotBooleanThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_DEV_MODE", "yes");

        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_DEV_MODE");
    }

    @Test
    void fromWhenPlainHttpOffLoopbackOutsideDevModeThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_ISSUER", "http://idp.example/identity");

        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_ISSUER").hasMessageContaining("https");
        values.put("ECHO_DEV_MODE", "true");
        assertThat(read(values).devMode()).isTrue();
    }

    @Test
    void fromWhenRedirectUriRelativeThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_REDIRECT_URI", "/callback");

        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_REDIRECT_URI");
    }

    @Test
    void fromWhenScopesLackOpenidThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_SCOPES", "profile email");

        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_SCOPES");
    }

    @Test
    void fromWhenLogoutAndRefreshSettingsUnsetThenDefaults() {
        GatewaySettings settings = read(required());

        assertThat(settings.refreshMargin()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.postLogoutRedirectUri("")).hasToString("http://localhost:5000/signed-out");
        assertThat(settings.postLogoutRedirectUri("/echo")).hasToString("http://localhost:5000/echo/signed-out");
    }

    @Test
    void fromWhenPostLogoutRedirectUriSetThenUsedAsIs() {
        Map<String, String> values = required();
        values.put("ECHO_POST_LOGOUT_REDIRECT_URI", "http://localhost:5000/bye?from=echo");

        assertThat(read(values).postLogoutRedirectUri("/echo")).hasToString("http://localhost:5000/bye?from=echo");
    }

    @Test
    void fromWhenPostLogoutRedirectUriInvalidThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_POST_LOGOUT_REDIRECT_URI", "/signed-out");
        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_POST_LOGOUT_REDIRECT_URI");
        values.put("ECHO_POST_LOGOUT_REDIRECT_URI", "http://localhost:5000/bye#top");
        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_POST_LOGOUT_REDIRECT_URI")
                .hasMessageContaining("fragment");
        values.put("ECHO_POST_LOGOUT_REDIRECT_URI", "http://gw.example/bye");
        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_POST_LOGOUT_REDIRECT_URI")
                .hasMessageContaining("https");
    }

    @Test
    void fromWhenRefreshMarginOutOfRangeOrNotANumberThenRejected() {
        Map<String, String> values = required();
        values.put("ECHO_REFRESH_MARGIN_SECONDS", "601");
        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_REFRESH_MARGIN_SECONDS");
        values.put("ECHO_REFRESH_MARGIN_SECONDS", "-1");
        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_REFRESH_MARGIN_SECONDS");
        values.put("ECHO_REFRESH_MARGIN_SECONDS", "soon");
        assertThatThrownBy(() -> read(values)).hasMessageContaining("ECHO_REFRESH_MARGIN_SECONDS");
    }

    @Test
    void fromWhenRefreshMarginZeroOrMaxThenAccepted() {
        Map<String, String> values = required();
        values.put("ECHO_REFRESH_MARGIN_SECONDS", "0");
        assertThat(read(values).refreshMargin()).isZero();
        values.put("ECHO_REFRESH_MARGIN_SECONDS", "600");
        assertThat(read(values).refreshMargin()).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void toStringWhenPrintedThenSecretHidden() {
        assertThat(read(required()).toString()).doesNotContain("top-secret").contains("****");
    }

    @Test
    void problemsWhenSeveralThenAllListed() {
        InvalidSettingsException e = new InvalidSettingsException(List.of("a", "b"));

        assertThat(e.problems()).containsExactly("a", "b");
    }
}
