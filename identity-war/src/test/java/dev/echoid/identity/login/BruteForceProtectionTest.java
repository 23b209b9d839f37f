package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's arithmetic and the keys; the counting itself runs on PostgreSQL in BruteForceProtectionIT. */
class BruteForceProtectionTest {

    private static final LoginPolicy POLICY = new LoginPolicy(3, 5, 10, false, Duration.ofSeconds(30),
            Duration.ofSeconds(90), Duration.ofHours(12), 12, false, false);

    @Test
    void failedWhenFailuresGoOnThenWaitGrowsUpToTheMaximum() {
        assertThat(POLICY.lockAfter(2, 3)).isEqualTo(Duration.ZERO);
        assertThat(POLICY.lockAfter(3, 3)).isEqualTo(Duration.ofSeconds(30));
        assertThat(POLICY.lockAfter(4, 3)).isEqualTo(Duration.ofSeconds(60));
        assertThat(POLICY.lockAfter(5, 3)).isEqualTo(Duration.ofSeconds(90));
        assertThat(POLICY.lockAfter(50, 3)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void userKeyWhenCaseWidthOrSpacingDiffersThenSameKeyWhetherOrNotTheAccountExists() {
        assertThat(BruteForceProtection.userKey(" Ada ")).isEqualTo(BruteForceProtection.userKey("ada"));
        assertThat(BruteForceProtection.userKey("ＡＬＩＣＥ")).isEqualTo("user:alice");
        assertThat(BruteForceProtection.pairKey("Alice", "10.0.0.1"))
                .isEqualTo(BruteForceProtection.pairKey("ａｌｉｃｅ", "10.0.0.1"))
                .isNotEqualTo(BruteForceProtection.pairKey("alice", "10.0.0.2"));
    }

    @Test
    void canonicalWhenCompatibilityFormsAndCaseThenOneName() {
        assertThat(UserName.canonical("ＡＬＩＣＥ")).isEqualTo("alice");
        assertThat(UserName.canonical("Alice")).isEqualTo("alice");
        assertThat(UserName.canonical("  alice\t")).isEqualTo("alice");
        assertThat(UserName.canonical("Straße")).isEqualTo(UserName.canonical("STRASSE")).isEqualTo("strasse");
        assertThat(UserName.canonical("ﬁona")).as("a ligature").isEqualTo("fiona");
        assertThat(UserName.canonical(null)).isEmpty();
    }

    @Test
    void addressKeyWhenIpv6ThenTheSlash64CountsAsOneClient() {
        assertThat(BruteForceProtection.addressKey("2001:db8:1:2::1"))
                .isEqualTo(BruteForceProtection.addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"))
                .isEqualTo("ip:2001:db8:1:2:0:0:0:0/64")
                .isNotEqualTo(BruteForceProtection.addressKey("2001:db8:1:3::1"));
        assertThat(BruteForceProtection.addressKey("::ffff:192.0.2.7")).isEqualTo("ip:192.0.2.7");
        assertThat(BruteForceProtection.addressKey("0:0:0:0:0:0:0:1"))
                .isEqualTo(BruteForceProtection.addressKey("::1"));
    }

    @Test
    void newPasswordWhenShorterThanMinimumThenProblemNamed() {
        assertThat(POLICY.problemWithNewPassword("short")).hasValue("must be at least 12 characters long");
        assertThat(POLICY.problemWithNewPassword("long enough passphrase")).isEmpty();
    }

    @Test
    void fromWhenNothingSetThenTheDefaultsOfTheReadme() {
        LoginPolicy defaults = LoginPolicy.from(SettingsSource.of(Map.of()));
        assertThat(defaults.maxFailures()).isEqualTo(5);
        assertThat(defaults.maxFailuresPerAddress()).isEqualTo(50);
        assertThat(defaults.maxFailuresPerUser()).isEqualTo(100);
        assertThat(defaults.accountLockout()).isFalse();
        assertThat(LoginPolicy.from(SettingsSource.of(Map.of(LoginPolicy.ACCOUNT_LOCKOUT, "true"))).accountLockout())
                .isTrue();
    }

    @Test
    void fromWhenTheNewSettingsAreWrongThenRefusedByName() {
        assertThatThrownBy(() -> LoginPolicy.from(SettingsSource.of(Map.of(LoginPolicy.ACCOUNT_LOCKOUT, "yes"))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(LoginPolicy.ACCOUNT_LOCKOUT);
        assertThatThrownBy(() -> LoginPolicy.from(SettingsSource.of(Map.of(LoginPolicy.MAX_FAILURES_PER_USER, "0"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(LoginPolicy.MAX_FAILURES_PER_USER);
    }
}
