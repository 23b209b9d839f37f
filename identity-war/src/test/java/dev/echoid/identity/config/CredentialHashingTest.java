package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialHashingTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void clientSecretKeyRequiredOutsideDevModeByName() {
        assertThatThrownBy(() -> CredentialHashing.from(SettingsSource.of(Map.of())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("IDENTITY_CLIENT_SECRET_KEY is required");
        assertThatThrownBy(() -> CredentialHashing.from(SettingsSource.of(Map.of(
                "IDENTITY_CLIENT_SECRET_KEY", Base64.getEncoder().encodeToString(new byte[16])))))
                .hasMessageContaining("IDENTITY_CLIENT_SECRET_KEY must be 32 bytes");
        assertThatThrownBy(() -> CredentialHashing.from(SettingsSource.of(Map.of(
                "IDENTITY_CLIENT_SECRET_KEY", "not base64 at all!"))))
                .hasMessageContaining("IDENTITY_CLIENT_SECRET_KEY must be 32 bytes");
        CredentialHashing given = CredentialHashing.from(SettingsSource.of(Map.of("IDENTITY_CLIENT_SECRET_KEY", KEY)));
        assertThat(given.clientSecretKey()).hasSize(32);
        assertThat(given.devKey()).isFalse();
    }

    @Test
    void devModeWithoutKeyUsesTheFixedDevKey() {
        CredentialHashing dev = CredentialHashing.from(SettingsSource.of(Map.of("IDENTITY_DEV_MODE", "true")));
        assertThat(dev.devKey()).isTrue();
        assertThat(dev.clientSecretKey()).hasSize(32)
                .isEqualTo(CredentialHashing.clientSecretKey(SettingsSource.of(Map.of("IDENTITY_DEV_MODE", "true"))));
    }

    @Test
    void budgetDefaultsToTheCoresWithAQueueOfFourTimesThatAndTwoSeconds() {
        CredentialHashing defaults = CredentialHashing.from(SettingsSource.of(Map.of("IDENTITY_CLIENT_SECRET_KEY", KEY)));
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(defaults.concurrency()).isEqualTo(cores);
        assertThat(defaults.queue()).isEqualTo(4 * cores);
        assertThat(defaults.queueTimeout()).isEqualTo(Duration.ofSeconds(2));
        CredentialHashing set = CredentialHashing.from(SettingsSource.of(Map.of("IDENTITY_CLIENT_SECRET_KEY", KEY,
                "IDENTITY_PASSWORD_HASH_CONCURRENCY", "3", "IDENTITY_PASSWORD_HASH_QUEUE", "0",
                "IDENTITY_PASSWORD_HASH_QUEUE_TIMEOUT_MILLIS", "500")));
        assertThat(set.concurrency()).isEqualTo(3);
        assertThat(set.queue()).isZero();
        assertThat(set.queueTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> CredentialHashing.from(SettingsSource.of(Map.of("IDENTITY_CLIENT_SECRET_KEY", KEY,
                "IDENTITY_PASSWORD_HASH_CONCURRENCY", "0")))).hasMessageContaining("IDENTITY_PASSWORD_HASH_CONCURRENCY");
        assertThatThrownBy(() -> CredentialHashing.from(SettingsSource.of(Map.of("IDENTITY_CLIENT_SECRET_KEY", KEY,
                "IDENTITY_PASSWORD_HASH_QUEUE", "many")))).hasMessageContaining("IDENTITY_PASSWORD_HASH_QUEUE");
    }
}
