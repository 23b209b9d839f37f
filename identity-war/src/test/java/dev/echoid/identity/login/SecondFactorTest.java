package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.fixtures.InMemoryLoginThrottles;
import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.fixtures.InMemoryTotpCredentials;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.TotpCredentials.TotpCredential;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The second factor's rules without a database: enrolment confirmed by a code and insert-only, replacement only
 * with a right code of the current authenticator, a code accepted once, guesses counted and locked, a secret the
 * provider did not seal refused, and when a second factor is required.
 */
class SecondFactorTest {

    private static final LoginPolicy POLICY = new LoginPolicy(3, 5, 10, false, Duration.ofSeconds(30),
            Duration.ofSeconds(90), Duration.ofHours(12), 12, false, false);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:10Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final InMemoryTotpCredentials credentials = new InMemoryTotpCredentials();
    private final InMemoryLoginThrottles throttles = new InMemoryLoginThrottles();
    private final Sealer sealer = Sealer.forTotpSecrets(Optional.of(RandomTokens.bytes(32)));
    private final SecondFactor secondFactor = new SecondFactor(credentials, sealer,
            new BruteForceProtection(throttles, POLICY, clock), stores.audit, false, clock);
    private final User ada = stores.addUser("ada", true);
    private final byte[] secret = Totp.newSecret();

    @Test
    void enrolmentWithTheRightCodeStoresTheSealedSecretAndUsesTheCodeUp() {
        assertThat(secondFactor.isEnrolled(ada.id())).isFalse();
        assertThat(secondFactor.confirmEnrolment(ada, secret, " " + code(secret) + " ", "10.0.0.1", "app", "l-1"))
                .isEqualTo(SecondFactor.Enrolment.ENROLLED);

        TotpCredential stored = credentials.rows.get(ada.id());
        assertThat(stored.sealedSecret()).isNotEqualTo(Totp.base32(secret));
        assertThat(sealer.open(stored.sealedSecret())).isEqualTo(secret);
        assertThat(stored.lastUsedStep()).isEqualTo(Totp.step(clock.instant()));
        assertThat(secondFactor.isEnrolled(ada.id())).isTrue();
        assertAudit(AuditEvent.Type.MFA_ENROLMENT, AuditEvent.Outcome.SUCCESS, null);
        assertThat(stores.auditRows.get(0).loginId()).isEqualTo("l-1");
        // the confirmation code is used up: it does not also sign in
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l-1")).isFalse();
    }

    @Test
    void enrolmentWithAWrongCodeStoresNothing() {
        assertThat(secondFactor.confirmEnrolment(ada, secret, wrong(code(secret)), "10.0.0.1", "app", "l"))
                .isEqualTo(SecondFactor.Enrolment.WRONG_CODE);
        assertThat(secondFactor.confirmEnrolment(ada, secret, null, "10.0.0.1", "app", "l"))
                .isEqualTo(SecondFactor.Enrolment.WRONG_CODE);
        assertThat(credentials.rows).isEmpty();
        assertAudit(AuditEvent.Type.MFA_ENROLMENT, AuditEvent.Outcome.FAILURE, "wrong confirmation code");
    }

    @Test
    void secondEnrolmentNeverOverwritesTheFirst() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        byte[] attacker = Totp.newSecret();
        assertThat(secondFactor.confirmEnrolment(ada, attacker, code(attacker), "10.0.0.1", "app", "l"))
                .isEqualTo(SecondFactor.Enrolment.ALREADY_ENROLLED);
        assertThat(sealer.open(credentials.rows.get(ada.id()).sealedSecret())).isEqualTo(secret);
        assertThat(stores.auditRows.get(1).detail()).isEqualTo("already enrolled: the existing credential was kept");
    }

    @Test
    void enrolmentDuringSignInOnlyWithoutASecondFactor() {
        assertThat(secondFactor.mayEnrolDuringSignIn(ada, "app", "10.0.0.1", "l")).isTrue();
        assertThat(stores.auditRows).isEmpty();
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        assertThat(secondFactor.mayEnrolDuringSignIn(ada, "app", "10.0.0.1", "l")).isFalse();
        assertAudit(AuditEvent.Type.MFA_ENROLMENT, AuditEvent.Outcome.FAILURE,
                "enrolment during sign-in refused: the user has a second factor");
    }

    @Test
    void replacementNeedsTheNewCodeAndACurrentCodeOfTheOldAuthenticator() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        clock.advance(Duration.ofSeconds(30));
        byte[] replacement = Totp.newSecret();

        assertThat(secondFactor.replaceEnrolment(ada, code(secret), replacement, wrong(code(replacement)), "x"))
                .isEqualTo(SecondFactor.Enrolment.WRONG_CODE);
        assertThat(secondFactor.replaceEnrolment(ada, wrong(code(secret)), replacement, code(replacement), "x"))
                .isEqualTo(SecondFactor.Enrolment.WRONG_CURRENT_CODE);
        assertThat(sealer.open(credentials.rows.get(ada.id()).sealedSecret())).isEqualTo(secret);

        clock.advance(Duration.ofSeconds(30));
        assertThat(secondFactor.replaceEnrolment(ada, code(secret), replacement, code(replacement), "x"))
                .isEqualTo(SecondFactor.Enrolment.ENROLLED);
        assertThat(sealer.open(credentials.rows.get(ada.id()).sealedSecret())).isEqualTo(replacement);
        assertAudit(AuditEvent.Type.MFA_ENROLMENT, AuditEvent.Outcome.SUCCESS, "replaced the authenticator");
    }

    @Test
    void replacementWithoutASecondFactorIsAFirstEnrolment() {
        assertThat(secondFactor.replaceEnrolment(ada, null, secret, code(secret), "x"))
                .isEqualTo(SecondFactor.Enrolment.ENROLLED);
        assertThat(credentials.rows).containsKey(ada.id());
    }

    @Test
    void replacementRacingAnotherChangeIsRefused() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        clock.advance(Duration.ofSeconds(30));
        byte[] replacement = Totp.newSecret();
        InMemoryTotpCredentials racing = new InMemoryTotpCredentials() {
            @Override
            public boolean replace(java.util.UUID userId, String expected, String sealed, long step) {
                return false; // changed meanwhile
            }
        };
        racing.rows.putAll(credentials.rows);
        SecondFactor raced = new SecondFactor(racing, sealer, new BruteForceProtection(throttles, POLICY, clock),
                stores.audit, false, clock);
        assertThat(raced.replaceEnrolment(ada, code(secret), replacement, code(replacement), "x"))
                .isEqualTo(SecondFactor.Enrolment.ALREADY_ENROLLED);
        assertThat(stores.auditRows.get(stores.auditRows.size() - 1).detail())
                .isEqualTo("replacement refused: the credential changed meanwhile");
    }

    @Test
    void codeIsAcceptedOncePerStep() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        clock.advance(Duration.ofSeconds(30));
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l-2")).isTrue();
        assertAudit(AuditEvent.Type.MFA_SUCCEEDED, AuditEvent.Outcome.SUCCESS, null);
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l-2")).isFalse();
        assertAudit(AuditEvent.Type.MFA_FAILED, AuditEvent.Outcome.FAILURE, "code already used");
    }

    @Test
    void wrongCodesAreCountedAndLockTheSecondStep() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            assertThat(secondFactor.verify(ada, wrong(code(secret)), "app", "10.0.0.1", "l")).isFalse();
            assertAudit(AuditEvent.Type.MFA_FAILED, AuditEvent.Outcome.FAILURE, "wrong code");
        }
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l")).isFalse();
        assertAudit(AuditEvent.Type.MFA_FAILED, AuditEvent.Outcome.FAILURE, Authenticator.LOCKED);

        clock.advance(Duration.ofSeconds(31));
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l")).isTrue();
    }

    @Test
    void rightCodeForgetsTheWrongOnesBeforeIt() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 2; i++) {
            secondFactor.verify(ada, wrong(code(secret)), "app", "10.0.0.1", "l");
        }
        assertThat(throttles.row(BruteForceProtection.secondFactorKey(ada.id())).failures).isEqualTo(2);
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l")).isTrue();
        assertThat(throttles.row(BruteForceProtection.secondFactorKey(ada.id())).failures).isZero();
        assertThat(BruteForceProtection.secondFactorKey(ada.id())).isEqualTo("totp:" + ada.id());
    }

    @Test
    void notEnrolledOrUnsealedSecretIsRefused() {
        assertThat(secondFactor.verify(ada, "123456", "app", "10.0.0.1", "l")).isFalse();
        assertAudit(AuditEvent.Type.MFA_FAILED, AuditEvent.Outcome.FAILURE, "not enrolled");

        // a secret planted in the database without the provider's seal
        credentials.save(ada.id(), Totp.base32(secret), 0);
        assertThat(secondFactor.verify(ada, code(secret), "app", "10.0.0.1", "l")).isFalse();
        assertAudit(AuditEvent.Type.MFA_FAILED, AuditEvent.Outcome.FAILURE, "stored secret refused: unsealed");
    }

    @Test
    void resetRemovesTheSecondFactor() {
        secondFactor.confirmEnrolment(ada, secret, code(secret), "10.0.0.1", "app", "l");
        assertThat(secondFactor.reset(ada.id())).isTrue();
        assertThat(secondFactor.isEnrolled(ada.id())).isFalse();
        assertThat(secondFactor.reset(ada.id())).isFalse();
    }

    @Test
    void requiredByPolicyOrByTheClient() {
        Client plain = client(false);
        Client strict = client(true);
        assertThat(secondFactor.isRequired(plain)).isFalse();
        assertThat(secondFactor.isRequired(strict)).isTrue();
        SecondFactor everyone = new SecondFactor(credentials, sealer, new BruteForceProtection(throttles, POLICY,
                clock), stores.audit, true, clock);
        assertThat(everyone.isRequired(plain)).isTrue();
    }

    @Test
    void newSecretAndKeyUriForTheApp() {
        assertThat(secondFactor.newSecret()).hasSize(Totp.newSecret().length);
        assertThat(secondFactor.keyUri(ada, secret)).startsWith("otpauth://totp/").contains("EchoID")
                .contains(Totp.base32(secret));
    }

    private void assertAudit(AuditEvent.Type type, AuditEvent.Outcome outcome, String detail) {
        AuditEvent last = stores.auditRows.get(stores.auditRows.size() - 1);
        assertThat(last.type()).isEqualTo(type);
        assertThat(last.outcome()).isEqualTo(outcome);
        assertThat(last.detail()).isEqualTo(detail);
        assertThat(last.userId()).isEqualTo(ada.id());
        assertThat(last.username()).isEqualTo("ada");
    }

    private String code(byte[] key) {
        return Totp.code(key, Totp.step(clock.instant()));
    }

    private static String wrong(String code) {
        return code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
    }

    private static Client client(boolean requireMfa) {
        return new Client("app", "App", "hash", List.of(URI.create("https://app.example/cb")), true,
                Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", requireMfa);
    }
}
