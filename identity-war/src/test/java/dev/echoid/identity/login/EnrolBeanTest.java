package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.IssuedCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The enrolment page's bean without a container. During sign-in: only the user whose password step passed, and only
 * one without a second factor (the password alone must not replace one), enrols; the first right code stores the
 * secret and completes the request. From the account page: the signed-in user enrols, and replacing an
 * authenticator needs a current code of it. The secret travels in the form between the page and its POST.
 */
class EnrolBeanTest {

    private final SignInPages pages = new SignInPages();
    private final String id = pages.pendingRequest(SignInPages.request("openid", null));
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        if (http != null) {
            http.close();
        }
    }

    private EnrolBean page(String requestId, byte[] postedSecret) {
        http = http == null ? FacesRequest.of(pages.browser) : http.next();
        if (requestId != null) {
            http.parameters.put("enrol:request", requestId);
        }
        if (postedSecret != null) {
            http.parameters.put("enrol:secret", Totp.base32(postedSecret));
        }
        EnrolBean bean = new EnrolBean();
        bean.signIn = pages.signInCompletion(false);
        bean.secondFactor = pages.secondFactor;
        bean.singleSignOn = pages.singleSignOn;
        bean.users = pages.stores.users;
        bean.load();
        return bean;
    }

    private void passwordStep() {
        try (FacesRequest step = FacesRequest.of(pages.browser)) {
            pages.pending.passwordVerified(id, step.servletRequest(), pages.ada.id());
        }
    }

    private static void confirm(EnrolBean bean, String code) {
        bean.setCode(code);
        try {
            bean.confirm();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] secretOf(EnrolBean bean) {
        return Totp.base32Decode(bean.getSecretField());
    }

    @Test
    void getDuringSignInShowsANewSecretAsText_Field_KeyUriAndQrCode() {
        passwordStep();
        EnrolBean bean = page(id, null);

        assertThat(bean.isValid()).isTrue();
        assertThat(bean.isReplacing()).isFalse();
        assertThat(bean.isAlreadyEnrolled()).isFalse();
        assertThat(bean.getRequestId()).isEqualTo(id);
        byte[] secret = secretOf(bean);
        assertThat(secret).hasSizeGreaterThanOrEqualTo(16);
        assertThat(bean.getSecretText()).matches("([A-Z2-7]{4} )+[A-Z2-7]{1,4}")
                .isEqualTo(Totp.base32(secret).replaceAll("(.{4})(?!$)", "$1 "));
        assertThat(bean.getKeyUri()).isEqualTo(Totp.keyUri(SecondFactor.APP_LABEL, "ada", secret));
        assertThat(bean.getQrSvg()).startsWith("<svg").isEqualTo(QrCode.svg(bean.getKeyUri()));
        assertThat(pages.totp.rows).as("nothing stored before a code proves it").isEmpty();
        assertThat(page(id, null).getSecretField()).as("a new one on each GET").isNotEqualTo(bean.getSecretField());
    }

    @Test
    void postWithTheRightCodeStoresThePostedSecretAndCompletesTheRequest() {
        passwordStep();
        byte[] secret = secretOf(page(id, null));
        EnrolBean post = page(id, secret);
        confirm(post, pages.code(secret));

        assertThat(post.getCode()).isNull();
        assertThat(post.getSecretField()).as("no longer shown").isEmpty();
        assertThat(post.getSecretText()).isEmpty();
        assertThat(post.isValid()).isFalse();
        assertThat(pages.sealer.open(pages.totp.rows.get(pages.ada.id()).sealedSecret())).isEqualTo(secret);
        IssuedCode code = pages.issuedCode(http.redirectedTo);
        assertThat(code.userId()).isEqualTo(pages.ada.id());
        assertThat(pages.sessions.rows.values()).singleElement()
                .satisfies(session -> assertThat(session.amr()).isEqualTo("pwd otp"));
        assertThat(pages.stores.auditTypes()).containsExactly(AuditEvent.Type.MFA_ENROLMENT,
                AuditEvent.Type.CODE_ISSUED);
        assertThat(pages.stores.auditRows.get(0).clientId()).isEqualTo("app");
        assertThat(pages.stores.auditRows.get(0).loginId()).isEqualTo("login-1");
    }

    @Test
    void postWithAWrongCodeIsShownAndStoresNothing() {
        passwordStep();
        byte[] secret = secretOf(page(id, null));
        EnrolBean post = page(id, secret);
        confirm(post, SignInPages.wrong(pages.code(secret)));

        assertThat(http.messageTexts()).containsExactly(
                "The code is not correct. Check the time on your phone and enter the current code.");
        assertThat(pages.totp.rows).isEmpty();
        assertThat(http.redirectedTo).isNull();
        assertThat(post.isValid()).as("the same secret, to try again").isTrue();
        assertThat(post.getSecretField()).isEqualTo(Totp.base32(secret));
    }

    @Test
    void enrolledUsersPasswordAloneSetsUpNoOtherAuthenticator() {
        byte[] own = pages.enrol(pages.ada);
        passwordStep();
        EnrolBean bean = page(id, null);

        assertThat(bean.isAlreadyEnrolled()).isTrue();
        assertThat(bean.isValid()).isFalse();
        assertThat(bean.getKeyUri()).isEmpty();
        assertThat(bean.getQrSvg()).isEmpty();
        assertThat(bean.getSecretField()).isEmpty();
        assertThat(pages.stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.MFA_ENROLMENT);
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
        });
        // a POST with a secret of the attacker's own and its right code changes nothing and issues nothing
        byte[] planted = Totp.newSecret();
        EnrolBean post = page(id, planted);
        confirm(post, pages.code(planted));
        assertThat(pages.sealer.open(pages.totp.rows.get(pages.ada.id()).sealedSecret())).isEqualTo(own);
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.codeRows).isEmpty();
    }

    @Test
    void enrolledMeanwhileElsewhereThenAlreadyEnrolledAndNoCode() {
        passwordStep();
        byte[] secret = secretOf(page(id, null));
        EnrolBean post = page(id, secret);
        pages.enrol(pages.ada);
        confirm(post, pages.code(secret));

        assertThat(post.isAlreadyEnrolled()).isTrue();
        assertThat(post.isValid()).isFalse();
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.codeRows).isEmpty();
    }

    @Test
    void withoutThePasswordStepNothingIsShownOrStored() {
        EnrolBean bean = page(id, null);
        assertThat(bean.isValid()).isFalse();
        assertThat(bean.getKeyUri()).isEmpty();
        byte[] secret = Totp.newSecret();
        EnrolBean post = page(id, secret);
        confirm(post, pages.code(secret));
        assertThat(pages.totp.rows).isEmpty();
        assertThat(http.redirectedTo).isNull();
    }

    @Test
    void postedSecretShorterThan128BitsIsRefused() {
        passwordStep();
        byte[] shortSecret = new byte[15];
        EnrolBean post = page(id, shortSecret);
        confirm(post, Totp.code(shortSecret, Totp.step(pages.clock.instant())));
        assertThat(pages.totp.rows).isEmpty();
        assertThat(post.isValid()).isFalse();
        assertThat(pages.stores.auditRows).isEmpty();
    }

    @Test
    void postedSecretOf128BitsIsTaken() {
        passwordStep();
        byte[] secret = new byte[16];
        secret[0] = 1;
        EnrolBean post = page(id, secret);
        confirm(post, Totp.code(secret, Totp.step(pages.clock.instant())));
        assertThat(pages.sealer.open(pages.totp.rows.get(pages.ada.id()).sealedSecret())).isEqualTo(secret);
    }

    @Test
    void requestTakenMeanwhileThenEnrolledButNoCodeIssued() {
        passwordStep();
        byte[] secret = secretOf(page(id, null));
        EnrolBean post = page(id, secret);
        pages.pendingRows.rows.clear();
        confirm(post, pages.code(secret));
        // the code proved the app has the secret, so it is kept; the sign-in is over and issues nothing
        assertThat(pages.totp.rows).containsKey(pages.ada.id());
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(http.redirectedTo).isNull();
    }

    @Test
    void fromTheAccountPageTheSignedInUserEnrolsAndGoesBackToTheAccount() {
        pages.signedIn(pages.ada);
        EnrolBean bean = page(null, null);
        assertThat(bean.isValid()).isTrue();
        assertThat(bean.isReplacing()).isFalse();
        assertThat(bean.getRequestId()).isNull();
        byte[] secret = secretOf(bean);
        EnrolBean post = page(null, secret);
        confirm(post, pages.code(secret));

        assertThat(pages.totp.rows).containsKey(pages.ada.id());
        assertThat(http.redirectedTo).isEqualTo(SignInPages.ISSUER + "/account.xhtml?enrolled=true");
        assertThat(pages.stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.MFA_ENROLMENT);
            assertThat(event.clientId()).isNull();
            assertThat(event.loginId()).isNull();
        });
    }

    @Test
    void fromTheAccountPageWithoutASessionNothingIsShown() {
        EnrolBean bean = page(null, null);
        assertThat(bean.isValid()).isFalse();
        assertThat(bean.isReplacing()).isFalse();
    }

    @Test
    void replacingAnAuthenticatorNeedsACurrentCodeOfIt() {
        byte[] old = pages.enrol(pages.ada);
        pages.signedIn(pages.ada);
        EnrolBean bean = page(null, null);
        assertThat(bean.isReplacing()).isTrue();
        byte[] secret = secretOf(bean);

        EnrolBean wrong = page(null, secret);
        wrong.setCurrentCode(SignInPages.wrong(pages.code(old)));
        assertThat(wrong.getCurrentCode()).isNotNull();
        confirm(wrong, pages.code(secret));
        assertThat(http.messageTexts()).containsExactly(
                "The code from your current authenticator app is not correct. Enter the code it shows now.");
        assertThat(wrong.getCurrentCode()).isNull();
        assertThat(pages.sealer.open(pages.totp.rows.get(pages.ada.id()).sealedSecret())).isEqualTo(old);

        EnrolBean right = page(null, secret);
        right.setCurrentCode(pages.code(old));
        confirm(right, pages.code(secret));
        assertThat(pages.sealer.open(pages.totp.rows.get(pages.ada.id()).sealedSecret())).isEqualTo(secret);
        assertThat(http.redirectedTo).isEqualTo(SignInPages.ISSUER + "/account.xhtml?enrolled=true");
    }
}
