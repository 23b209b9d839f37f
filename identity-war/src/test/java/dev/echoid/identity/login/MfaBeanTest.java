package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.IssuedCode;
import jakarta.faces.application.FacesMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The second step's bean without a container: only for the user whose password step passed for this request in this
 * browser (and who is still enabled), a right code completes the request with {@code amr} "pwd otp", a wrong one is
 * shown in place and issues nothing.
 */
class MfaBeanTest {

    private final SignInPages pages = new SignInPages();
    private final byte[] secret = pages.enrol(pages.ada);
    private final String id = pages.pendingRequest(SignInPages.request("openid", null));
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        http.close();
    }

    private MfaBean page() {
        http = http == null ? FacesRequest.of(pages.browser) : http.next();
        http.parameters.put("mfa:request", id);
        MfaBean bean = new MfaBean();
        bean.signIn = pages.signInCompletion(false);
        bean.secondFactor = pages.secondFactor;
        bean.users = pages.stores.users;
        bean.load();
        return bean;
    }

    private void passwordStep() {
        try (FacesRequest step = FacesRequest.of(pages.browser)) {
            pages.pending.passwordVerified(id, step.servletRequest(), pages.ada.id());
        }
    }

    private static void verify(MfaBean bean, String code) {
        bean.setCode(code);
        try {
            bean.verify();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void withoutThePasswordStepThePageIsInvalidAndACodeDoesNothing() {
        MfaBean bean = page();
        assertThat(bean.isValid()).isFalse();
        verify(bean, pages.code(secret));
        assertThat(bean.isValid()).isFalse();
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.auditRows).as("no code checked").isEmpty();
    }

    @Test
    void rightCodeCompletesTheRequestWithBothMethods() {
        passwordStep();
        MfaBean bean = page();
        assertThat(bean.isValid()).isTrue();
        assertThat(bean.getRequestId()).isEqualTo(id);
        verify(bean, pages.code(secret));

        assertThat(bean.isValid()).isTrue();
        assertThat(bean.getCode()).as("never kept").isNull();
        IssuedCode code = pages.issuedCode(http.redirectedTo);
        assertThat(code.userId()).isEqualTo(pages.ada.id());
        assertThat(pages.sessions.rows.values()).singleElement()
                .satisfies(session -> assertThat(session.amr()).isEqualTo("pwd otp"));
        assertThat(pages.stores.auditTypes()).containsExactly(AuditEvent.Type.MFA_SUCCEEDED,
                AuditEvent.Type.CODE_ISSUED);
        assertThat(pages.stores.auditRows.get(0).remoteAddress()).isEqualTo(http.remoteAddress);
        assertThat(pages.stores.auditRows.get(0).loginId()).isEqualTo("login-1");
    }

    @Test
    void wrongCodeIsShownInPlaceAndIssuesNothing() {
        passwordStep();
        MfaBean bean = page();
        verify(bean, SignInPages.wrong(pages.code(secret)));

        assertThat(http.redirectedTo).isNull();
        assertThat(bean.getCode()).isNull();
        assertThat(http.messages).singleElement().satisfies(message -> {
            assertThat(message.getSummary())
                    .isEqualTo("The code is not correct. Enter the current code from your authenticator app.");
            assertThat(message.getSeverity()).isEqualTo(FacesMessage.SEVERITY_ERROR);
        });
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.pendingRows.rows).as("still waiting").hasSize(1);
    }

    @Test
    void userDisabledAfterThePasswordStepGetsNoSecondStep() {
        passwordStep();
        pages.stores.users.setEnabled(pages.ada.id(), false);
        MfaBean bean = page();
        assertThat(bean.isValid()).isFalse();
        verify(bean, pages.code(secret));
        assertThat(http.redirectedTo).isNull();
    }

    @Test
    void requestGoneMeanwhileThenInvalidAndNoCodeChecked() {
        passwordStep();
        MfaBean bean = page();
        pages.pendingRows.rows.clear();
        verify(bean, pages.code(secret));
        assertThat(bean.isValid()).isFalse();
        assertThat(pages.stores.auditRows).isEmpty();
    }

    @Test
    void requestIdFromTheFormsField() {
        http = FacesRequest.of(pages.browser);
        MfaBean bean = new MfaBean();
        bean.setRequestId("r-1");
        assertThat(bean.getRequestId()).isEqualTo("r-1");
        bean.setCode("123456");
        assertThat(bean.getCode()).isEqualTo("123456");
    }
}
