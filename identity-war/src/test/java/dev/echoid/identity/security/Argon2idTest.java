package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which Argon2id computes: libargon2 where it loads, BouncyCastle otherwise or when told so; both the same bytes. */
class Argon2idTest {

    /** The platforms argon2-jvm carries libargon2 for, of those the build runs on. */
    static boolean nativePlatform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        return (os.contains("linux") || os.contains("mac") || os.contains("windows"))
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    static Stream<Argon2id> implementations() {
        return Stream.of(Argon2id.bouncyCastle(), Argon2id.preferred());
    }

    @Test
    void preferredWhereArgon2JvmCarriesTheLibraryThenNative() {
        assumeTrue(nativePlatform(), "argon2-jvm bundles libargon2 for Linux, macOS and Windows on x86-64 and ARM64");
        assertThat(Argon2id.preferred().isNative()).isTrue();
        assertThat(Argon2id.preferred().description()).contains("libargon2");
    }

    /** Tags computed by a third implementation: Debian 12's libargon2 1 (20171227), argon2id_hash_raw. */
    @ParameterizedTest
    @MethodSource("implementations")
    void deriveWhenOwaspParametersThenTheReferenceImplementationsTag(Argon2id argon2id) {
        byte[] tag = argon2id.derive(bytes("correct horse battery staple"), bytes("0123456789abcdef"), 19456, 2, 1,
                32);
        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("832e52b959b967b570ee4781f6c7bda7ced019ca266ac781fd2d94d4e853b0cd");
    }

    /** An empty password is a password too (a login form sends one): argon2-jvm cannot pass it, so Java computes it. */
    @ParameterizedTest
    @MethodSource("implementations")
    void deriveWhenTheEmptyPasswordThenTheSameTagAsBouncyCastle(Argon2id argon2id) {
        byte[] expected = Argon2id.bouncyCastle().derive(new byte[0], bytes("saltsaltsaltsalt"), 256, 2, 1, 32);
        assertThat(argon2id.derive(new byte[0], bytes("saltsaltsaltsalt"), 256, 2, 1, 32)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void deriveWhenTwoLanesThreePassesAndANonAsciiPasswordThenTheReferenceImplementationsTag(Argon2id argon2id) {
        byte[] tag = argon2id.derive(bytes("pässwörd"), bytes("saltsaltsaltsalt"), 256, 3, 2, 24);
        assertThat(HexFormat.of().formatHex(tag)).isEqualTo("c0c1d3f00604e492988fb641ab83ef6b1e1b8231fc5542cb");
    }

    @Test
    void hashesOfOneImplementationVerifyWithTheOther() {
        PasswordHasher java = new PasswordHasher(1024, 2, 1, HashingBudget.unbounded(), Argon2id.bouncyCastle());
        PasswordHasher preferred = new PasswordHasher(1024, 2, 1, HashingBudget.unbounded(), Argon2id.preferred());
        assertThat(preferred.verify("correct horse", java.hash("correct horse"))).isTrue();
        assertThat(java.verify("correct horse", preferred.hash("correct horse"))).isTrue();
        assertThat(java.verify("wrong horse", preferred.hash("correct horse"))).isFalse();
        assertThat(preferred.verify("wrong horse", java.hash("correct horse"))).isFalse();
    }

    @Test
    void settingWhenNativeArgon2FalseThenBouncyCastle() {
        Argon2id argon2id = Argon2id.from(SettingsSource.of(Map.of(Argon2id.NATIVE_ARGON2, "false")));
        assertThat(argon2id).isSameAs(Argon2id.bouncyCastle());
        assertThat(argon2id.isNative()).isFalse();
    }

    @Test
    void settingWhenAbsentOrTrueThenThePreferredImplementation() {
        assertThat(Argon2id.from(SettingsSource.of(Map.of()))).isSameAs(Argon2id.preferred());
        assertThat(Argon2id.from(SettingsSource.of(Map.of(Argon2id.NATIVE_ARGON2, " TRUE "))))
                .isSameAs(Argon2id.preferred());
    }

    @Test
    void settingWhenNeitherTrueNorFalseThenRefusedAtStartupByName() {
        assertThatThrownBy(() -> Argon2id.from(SettingsSource.of(Map.of(Argon2id.NATIVE_ARGON2, "yes"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(Argon2id.NATIVE_ARGON2);
    }

    @Test
    void selectWhenNoNativeLibraryForThePlatformThenBouncyCastle() {
        Argon2id argon2id = Argon2id.select(true, () -> {
            throw new UnsatisfiedLinkError("Unable to load library 'argon2' for freebsd-x86-64");
        });
        assertThat(argon2id).isSameAs(Argon2id.bouncyCastle());
    }

    @Test
    void selectWhenTheNativeTagDiffersFromBouncyCastlesThenBouncyCastle() {
        Argon2id wrong = new Argon2id() {
            @Override
            public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
                    int length) {
                return new byte[length];
            }

            @Override
            public boolean isNative() {
                return true;
            }

            @Override
            public String description() {
                return "a broken build";
            }
        };
        assertThat(Argon2id.select(true, () -> wrong)).isSameAs(Argon2id.bouncyCastle());
    }

    @Test
    void selectWhenNotWantedThenTheNativeLibraryIsNotEvenLoaded() {
        Argon2id argon2id = Argon2id.select(false, () -> {
            throw new AssertionError("must not be loaded");
        });
        assertThat(argon2id).isSameAs(Argon2id.bouncyCastle());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
