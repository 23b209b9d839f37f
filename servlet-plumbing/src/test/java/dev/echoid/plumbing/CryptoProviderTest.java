package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.Security;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which JCA provider signs: the native one where the platform has it, the JDK's otherwise or when told so. */
class CryptoProviderTest {

    private static final String NATIVE_CRYPTO = "IDENTITY_NATIVE_CRYPTO";

    /** The platform ACCP's linux-x86_64 jar carries a native library for. */
    static boolean nativePlatform() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").equals("amd64");
    }

    @Test
    void preferredWhenNativeLibraryIsPresentThenAccpSignsAndVerifies() throws Exception {
        assumeTrue(nativePlatform(), "ACCP's native library is bundled for linux-x86_64 only");
        CryptoProvider crypto = CryptoProvider.preferred();
        assertThat(crypto.isNative()).isTrue();
        assertThat(crypto.signature("SHA256withRSA").getProvider().getName())
                .isEqualTo(CryptoProvider.NATIVE_PROVIDER_NAME);
        assertThat(crypto.signature("SHA256withECDSAinP1363Format").getProvider().getName())
                .isEqualTo(CryptoProvider.NATIVE_PROVIDER_NAME);
        assertThat(crypto.keyFactory("RSA").getProvider().getName()).isEqualTo(CryptoProvider.NATIVE_PROVIDER_NAME);
        assertThat(crypto.description()).startsWith(CryptoProvider.NATIVE_PROVIDER_NAME).endsWith("(native)");
    }

    @Test
    void preferredNeverInstallsTheProviderJvmWide() {
        CryptoProvider.preferred();
        // Security's provider list is shared by every web application of the container
        assertThat(Security.getProvider(CryptoProvider.NATIVE_PROVIDER_NAME)).isNull();
    }

    @Test
    void settingWhenNativeCryptoFalseThenTheJdksProvidersSign() throws Exception {
        CryptoProvider crypto = CryptoProvider.from(SettingsSource.of(Map.of(NATIVE_CRYPTO, "false")), NATIVE_CRYPTO);
        assertThat(crypto.isNative()).isFalse();
        assertThat(crypto.signature("SHA256withRSA").getProvider().getName()).isEqualTo("SunRsaSign");
        assertThat(crypto.signature("SHA256withECDSAinP1363Format").getProvider().getName()).isEqualTo("SunEC");
    }

    @Test
    void settingWhenAbsentOrTrueThenThePreferredProvider() {
        assertThat(CryptoProvider.from(SettingsSource.of(Map.of()), NATIVE_CRYPTO)).isSameAs(CryptoProvider.preferred());
        assertThat(CryptoProvider.from(SettingsSource.of(Map.of(NATIVE_CRYPTO, "TRUE")), NATIVE_CRYPTO))
                .isSameAs(CryptoProvider.preferred());
    }

    @Test
    void settingWhenNeitherTrueNorFalseThenRefusedAtStartupByName() {
        assertThatThrownBy(() -> CryptoProvider.from(SettingsSource.of(Map.of(NATIVE_CRYPTO, "yes")), NATIVE_CRYPTO))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(NATIVE_CRYPTO);
        assertThatThrownBy(() -> CryptoProvider.from(name -> Optional.of("maybe"), "ECHO_NATIVE_CRYPTO"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("ECHO_NATIVE_CRYPTO");
    }

    @Test
    void selectWhenNativeProviderFailsItsSelfTestThenTheJdksProvidersSign() throws Exception {
        CryptoProvider crypto = CryptoProvider.select(true, () -> {
            throw new IllegalStateException("self-test failed: RSA known answer");
        });
        assertThat(crypto.isNative()).isFalse();
        assertThat(crypto.signature("SHA256withRSA").getProvider().getName()).isEqualTo("SunRsaSign");
    }

    @Test
    void selectWhenNoNativeLibraryForThePlatformThenTheJdksProvidersSign() {
        CryptoProvider crypto = CryptoProvider.select(true, () -> {
            throw new UnsatisfiedLinkError("no amazonCorrettoCryptoProvider for darwin-aarch64");
        });
        assertThat(crypto).isSameAs(CryptoProvider.jdk());
        assertThat(CryptoProvider.select(true, () -> {
            throw new UnsatisfiedLinkError("already loaded in another classloader");
        })).isSameAs(CryptoProvider.jdk());
    }

    @Test
    void selectWhenNotWantedThenTheNativeProviderIsNotEvenLoaded() {
        CryptoProvider crypto = CryptoProvider.select(false, () -> {
            throw new AssertionError("must not be loaded");
        });
        assertThat(crypto).isSameAs(CryptoProvider.jdk());
    }
}
