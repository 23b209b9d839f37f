package dev.echoid.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentitySettingsTest {

    @Test
    void fromWhenIssuerMissingThenErrorNamesTheVariable() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("IDENTITY_ISSUER is required");
    }

    @Test
    void fromWhenHttpIssuerOutsideDevModeThenRejected() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "http://localhost:9000/identity"))))
                .hasMessageContaining("https");
        assertThat(IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "http://localhost:9000/identity", "IDENTITY_DEV_MODE", "true"))).devMode())
                .isTrue();
    }

    @Test
    void fromWhenIssuerHasQueryOrTrailingSlashThenRejected() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity?x=1")))).hasMessageContaining("no query");
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/")))).hasMessageContaining("must not end with '/'");
    }

    @Test
    void fromWhenTtlNotPositiveThenRejected() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example", "IDENTITY_ID_TOKEN_TTL_SECONDS", "0"))))
                .hasMessageContaining("IDENTITY_ID_TOKEN_TTL_SECONDS must be positive");
    }

    @Test
    void refreshRetryWindowIsThirtySecondsByDefaultZeroTurnsItOffAndMoreThanAMinuteIsRefused() {
        assertThat(IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", "https://id.example")))
                .refreshRetryWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", "https://id.example",
                "IDENTITY_REFRESH_TOKEN_RETRY_SECONDS", "0"))).refreshRetryWindow()).isZero();
        assertThat(IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", "https://id.example",
                "IDENTITY_REFRESH_TOKEN_RETRY_SECONDS", "60"))).refreshRetryWindow()).hasSeconds(60);
        for (String refused : new String[] {"61", "-1"}) {
            assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER",
                    "https://id.example", "IDENTITY_REFRESH_TOKEN_RETRY_SECONDS", refused))))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("IDENTITY_REFRESH_TOKEN_RETRY_SECONDS must be 0 (off) to 60 seconds");
        }
    }

    @Test
    void fromWhenDefaultsThenFifteenMinuteIdTokensAndSixtySecondCodes() {
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity")));
        assertThat(settings.idTokenTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.codeTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.endpoint("token").toString()).isEqualTo("https://id.example/identity/token");
    }

    @Test
    void fromWhenBootstrapClientWithoutRedirectUrisThenRejected() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example", "IDENTITY_BOOTSTRAP_CLIENT_ID", "echo"))))
                .hasMessageContaining("IDENTITY_BOOTSTRAP_REDIRECT_URIS");
    }

    @Test
    void fromWhenBootstrapFirstPartyThenTrueOnlyWhenSaidAndATypoRejected() {
        Map<String, String> client = Map.of("IDENTITY_ISSUER", "https://id.example", "IDENTITY_BOOTSTRAP_CLIENT_ID",
                "echo", "IDENTITY_BOOTSTRAP_REDIRECT_URIS", "https://echo.example/callback");
        assertThat(IdentitySettings.from(SettingsSource.of(client)).bootstrap().firstParty()).isFalse();
        assertThat(IdentitySettings.from(SettingsSource.of(with(client, "IDENTITY_BOOTSTRAP_FIRST_PARTY", "true")))
                .bootstrap().firstParty()).isTrue();
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(with(client,
                "IDENTITY_BOOTSTRAP_FIRST_PARTY", "yes")))).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_BOOTSTRAP_FIRST_PARTY must be true or false");
    }

    @Test
    void fromWhenBootstrapClientApplicationTypeThenNativeOrWebElseRejected() {
        Map<String, String> base = Map.of("IDENTITY_ISSUER", "https://id.example", "IDENTITY_BOOTSTRAP_CLIENT_ID",
                "app", "IDENTITY_BOOTSTRAP_REDIRECT_URIS", "http://127.0.0.1/cb");
        assertThat(IdentitySettings.from(SettingsSource.of(base)).bootstrap().applicationType()).isEqualTo("web");
        Map<String, String> nativeApp = new java.util.HashMap<>(base);
        nativeApp.put("IDENTITY_BOOTSTRAP_CLIENT_APPLICATION_TYPE", "native");
        assertThat(IdentitySettings.from(SettingsSource.of(nativeApp)).bootstrap().applicationType())
                .isEqualTo("native");
        nativeApp.put("IDENTITY_BOOTSTRAP_CLIENT_APPLICATION_TYPE", "desktop");
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(nativeApp)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_BOOTSTRAP_CLIENT_APPLICATION_TYPE must be web or native");
    }

    private static Map<String, String> with(Map<String, String> settings, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(settings);
        more.put(name, value);
        return more;
    }

    @Test
    void providerOutsideDevModeRefusesToStartWithoutKeyEncryptionKey() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity", "IDENTITY_AUDIT_KEY", randomKey())))
                .requireSecretsOutsideDevMode())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("IDENTITY_KEY_ENCRYPTION_KEY is required outside dev mode");
    }

    @Test
    void providerOutsideDevModeRefusesToStartWithoutAuditKey() {
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity", "IDENTITY_KEY_ENCRYPTION_KEY", randomKey())))
                .requireSecretsOutsideDevMode())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("IDENTITY_AUDIT_KEY is required outside dev mode");
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity", "IDENTITY_KEY_ENCRYPTION_KEY", randomKey(),
                "IDENTITY_AUDIT_KEY", "c2hvcnQ="))))
                .hasMessageContaining("IDENTITY_AUDIT_KEY must be 32 bytes");
    }

    @Test
    void devModeWithoutKeysStillStarts() {
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "http://localhost:9000/identity", "IDENTITY_DEV_MODE", "true")))
                .requireSecretsOutsideDevMode();
        assertThat(settings.keyEncryptionKey()).isEmpty();
        assertThat(settings.auditKey()).isEmpty();
    }

    private static String randomKey() {
        return java.util.Base64.getEncoder().encodeToString(dev.echoid.identity.security.RandomTokens.bytes(32));
    }

    @Test
    void shortOperatorSecretRefused() {
        Map<String, String> values = new java.util.HashMap<>(Map.of("IDENTITY_ISSUER", "https://id.example/identity",
                "IDENTITY_BOOTSTRAP_CLIENT_ID", "echo", "IDENTITY_BOOTSTRAP_REDIRECT_URIS", "https://echo.example/cb",
                "IDENTITY_BOOTSTRAP_CLIENT_SECRET", "x".repeat(31)));
        assertThatThrownBy(() -> IdentitySettings.from(SettingsSource.of(values)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("IDENTITY_BOOTSTRAP_CLIENT_SECRET must be at least 32 characters");
        values.put("IDENTITY_BOOTSTRAP_CLIENT_SECRET", "x".repeat(32));
        assertThat(IdentitySettings.from(SettingsSource.of(values)).bootstrap().clientSecret()).hasValue("x".repeat(32));
    }

    @Test
    void fromWhenHousekeepingNotSetThenEveryFiveMinutesInBatchesOfAThousandKeptAnHour() {
        IdentitySettings.Housekeeping housekeeping = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example"))).housekeeping();
        assertThat(housekeeping.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(housekeeping.batchSize()).isEqualTo(1_000);
        assertThat(housekeeping.retention()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void fromWhenHousekeepingSetThenRead() {
        IdentitySettings.Housekeeping housekeeping = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example", "IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS", "30",
                "IDENTITY_HOUSEKEEPING_BATCH_SIZE", "250", "IDENTITY_HOUSEKEEPING_RETENTION_SECONDS", "600")))
                .housekeeping();
        assertThat(housekeeping.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(housekeeping.batchSize()).isEqualTo(250);
        assertThat(housekeeping.retention()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void fromWhenHousekeepingSettingOutOfRangeThenRejectedByName() {
        assertThatThrownBy(() -> housekeeping("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS", "0"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS must be positive");
        assertThatThrownBy(() -> housekeeping("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS", "often"))
                .hasMessageContaining("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS must be a whole number of seconds");
        assertThatThrownBy(() -> housekeeping("IDENTITY_HOUSEKEEPING_BATCH_SIZE", "0"))
                .hasMessageContaining("IDENTITY_HOUSEKEEPING_BATCH_SIZE must be between 1 and 100000");
        assertThatThrownBy(() -> housekeeping("IDENTITY_HOUSEKEEPING_BATCH_SIZE", "1000000"))
                .hasMessageContaining("IDENTITY_HOUSEKEEPING_BATCH_SIZE must be between 1 and 100000");
        assertThatThrownBy(() -> housekeeping("IDENTITY_HOUSEKEEPING_BATCH_SIZE", "many"))
                .hasMessageContaining("IDENTITY_HOUSEKEEPING_BATCH_SIZE must be a whole number");
        assertThatThrownBy(() -> housekeeping("IDENTITY_HOUSEKEEPING_RETENTION_SECONDS", "59"))
                .hasMessageContaining("IDENTITY_HOUSEKEEPING_RETENTION_SECONDS must be at least 60 seconds");
    }

    private static IdentitySettings housekeeping(String name, String value) {
        return IdentitySettings.from(SettingsSource.of(Map.of("IDENTITY_ISSUER", "https://id.example", name, value)));
    }
}
