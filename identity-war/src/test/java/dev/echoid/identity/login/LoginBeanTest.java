package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.IssuedCode;
import dev.echoid.identity.store.User;
import jakarta.faces.application.FacesMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The login page's bean without a container: the pending request it works on (only this browser's), a right
 * password that completes the request (the code issued to the client, the session id rotated, the browser
 * remembered), a wrong one shown in place, the second step when the user has one or the client demands one, and a
 * spent hashing budget answered 503 with Retry-After.
 */
class LoginBeanTest {

    private final SignInPages pages = new SignInPages();
    private final SignInCompletion signIn = pages.signInCompletion(false);
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        if (http != null) {
            http.close();
        }
    }

    private LoginBean page(String requestId) {
        http = http == null ? FacesRequest.of(pages.browser) : http.next();
        if (requestId != null) {
            http.parameters.put("login:request", requestId);
        }
        LoginBean bean = new LoginBean();
        bean.signIn = signIn;
        bean.authenticator = pages.authenticator;
        bean.secondFactor = pages.secondFactor;
        bean.clients = pages.stores.clients;
        bean.load();
        return bean;
    }

    private static void signIn(LoginBean bean, String username, String password) {
        bean.setUsername(username);
        bean.setPassword(password);
        try {
            bean.signIn();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void loadWhenTheBrowserHasThePendingRequestThenValidWithTheClientsNameAndTheLoginIdNoted() {
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        LoginBean bean = page(id);
        assertThat(bean.isValid()).isTrue();
        assertThat(bean.getRequestId()).isEqualTo(id);
        assertThat(bean.getClientName()).isEqualTo("The App");
        assertThat(pages.notedLoginIds).containsExactly("login-1");
    }

    @Test
    void loadWhenTheIdIsUnknownOrAnotherBrowsersThenInvalidAndNothingNoted() {
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        assertThat(page("unknown").isValid()).isFalse();
        pages.browser.cookies.remove(PendingAuthorizations.COOKIE);
        LoginBean other = page(id);
        assertThat(other.isValid()).isFalse();
        assertThat(other.getClientName()).isNull();
        assertThat(page(null).getRequestId()).isNull();
        assertThat(pages.notedLoginIds).isEmpty();
    }

    @Test
    void rightPasswordCompletesTheRequestWithACodeForTheClientAndRotatesTheSession() {
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        LoginBean bean = page(id);
        http.hasSession = true;
        signIn(bean, "Ada", SignInPages.PASSWORD);

        assertThat(bean.isValid()).isTrue();
        assertThat(bean.getPassword()).as("never kept").isNull();
        assertThat(bean.getUsername()).isEqualTo("Ada");
        assertThat(http.messages).isEmpty();
        IssuedCode code = pages.issuedCode(http.redirectedTo);
        assertThat(code.userId()).isEqualTo(pages.ada.id());
        assertThat(code.clientId()).isEqualTo("app");
        assertThat(code.loginId()).isEqualTo("login-1");
        assertThat(http.sessionIdChanges).as("session fixation").isOne();
        assertThat(pages.browser.cookies).containsKeys(SingleSignOn.COOKIE, DeviceCookies.COOKIE);
        assertThat(pages.sessions.rows.values()).singleElement()
                .satisfies(session -> assertThat(session.amr()).isEqualTo("pwd"));
        assertThat(pages.pendingRows.rows).as("taken").isEmpty();
        assertThat(pages.stores.auditTypes()).containsExactly(AuditEvent.Type.LOGIN_SUCCEEDED,
                AuditEvent.Type.CODE_ISSUED);
        // the request is spent: the same page again does nothing
        LoginBean again = page(id);
        assertThat(again.isValid()).isFalse();
        signIn(again, "ada", SignInPages.PASSWORD);
        assertThat(http.redirectedTo).isNull();
    }

    @Test
    void rightPasswordWithoutAnHttpSessionRotatesNothing() {
        LoginBean bean = page(pages.pendingRequest(SignInPages.request("openid", null)));
        signIn(bean, "ada", SignInPages.PASSWORD);
        assertThat(http.sessionIdChanges).isZero();
        assertThat(http.redirectedTo).startsWith(SignInPages.REDIRECT.toString());
    }

    @Test
    void wrongPasswordIsShownInPlaceAndIssuesNothing() {
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        LoginBean bean = page(id);
        signIn(bean, "ada", "wrong password");

        assertThat(http.redirectedTo).isNull();
        assertThat(http.messages).singleElement().satisfies(message -> {
            assertThat(message.getSummary()).isEqualTo("The user name or password is incorrect.");
            assertThat(message.getSeverity()).isEqualTo(FacesMessage.SEVERITY_ERROR);
        });
        assertThat(bean.getPassword()).isNull();
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.pendingRows.rows).as("still waiting").hasSize(1);
        assertThat(pages.browser.cookies).doesNotContainKey(SingleSignOn.COOKIE);
    }

    @Test
    void requestGoneBeforeThePostThenInvalidAndNoPasswordChecked() {
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        LoginBean bean = page(id);
        pages.pendingRows.rows.clear();
        signIn(bean, "ada", SignInPages.PASSWORD);
        assertThat(bean.isValid()).isFalse();
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.auditRows).isEmpty();
    }

    @Test
    void userWithASecondFactorIsSentToTheCodePageWithThePasswordStepRecorded() {
        pages.enrol(pages.ada);
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        signIn(page(id), "ada", SignInPages.PASSWORD);

        assertThat(http.redirectedTo).isEqualTo(SignInPages.ISSUER + "/mfa.xhtml?request=" + id);
        assertThat(pages.pending.passwordVerifiedUser(id, http.servletRequest())).contains(pages.ada.id());
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.pendingRows.rows).as("not taken").hasSize(1);
    }

    @Test
    void clientThatRequiresASecondFactorSendsAUserWithoutOneToEnrolment() {
        pages.stores.clients.update(new Client("app", "The App", "secret-hash", List.of(SignInPages.REDIRECT), true,
                Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", true));
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        signIn(page(id), "ada", SignInPages.PASSWORD);

        assertThat(http.redirectedTo).isEqualTo(SignInPages.ISSUER + "/enrol.xhtml?request=" + id);
        assertThat(pages.pending.passwordVerifiedUser(id, http.servletRequest())).contains(pages.ada.id());
        assertThat(pages.stores.codeRows).isEmpty();
    }

    @Test
    void disabledUserIsRefusedLikeAWrongPassword() {
        User off = pages.stores.users.find(pages.ada.id()).orElseThrow();
        pages.stores.users.setEnabled(off.id(), false);
        signIn(page(pages.pendingRequest(SignInPages.request("openid", null))), "ada", SignInPages.PASSWORD);
        assertThat(http.messageTexts()).containsExactly("The user name or password is incorrect.");
        assertThat(http.redirectedTo).isNull();
    }

    @Test
    void spentHashingBudgetAnswers503WithRetryAfterAndAsksToTryAgain() {
        LoginBean bean = page(pages.pendingRequest(SignInPages.request("openid", null)));
        // another password check holds the only place, and none may wait
        pages.budget.run(() -> {
            signIn(bean, "ada", SignInPages.PASSWORD);
            return null;
        });

        assertThat(http.status).isEqualTo(503);
        assertThat(http.headers).containsEntry("Retry-After", "1");
        assertThat(http.messages).singleElement().satisfies(message -> {
            assertThat(message.getSummary()).isEqualTo("The sign-in service is busy. Please try again in 1 second.");
            assertThat(message.getSeverity()).isEqualTo(FacesMessage.SEVERITY_WARN);
        });
        assertThat(bean.getPassword()).isNull();
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.auditRows).as("nothing counted or audited").isEmpty();
        assertThat(pages.throttles.rows).isEmpty();
    }

    @Test
    void requestIdIsTheUrlsOnAGetAndTheFormsOnAPost() {
        http = FacesRequest.of(pages.browser);
        http.parameters.put("request", "from-the-url");
        http.parameters.put("login:request", "from-the-form");
        LoginBean get = new LoginBean();
        get.signIn = signIn;
        get.clients = pages.stores.clients;
        get.load();
        assertThat(get.getRequestId()).isEqualTo("from-the-url");
        http.parameters.put("request", " ");
        get.load();
        assertThat(get.getRequestId()).isEqualTo("from-the-form");
        get.setRequestId("r-1");
        assertThat(get.getRequestId()).isEqualTo("r-1");
    }
}
