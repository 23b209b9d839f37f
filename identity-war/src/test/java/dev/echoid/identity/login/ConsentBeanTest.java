package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.IssuedCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consent page's bean without a container: the request waiting for this browser's signed-in person (not another
 * browser's, not another session's, not a disabled client's), the scopes in words, Allow (recorded, the code
 * issued) and Deny ({@code access_denied} with the state), each answer taken once.
 */
class ConsentBeanTest {

    private final SignInPages pages = new SignInPages();
    private final SingleSignOn.Current current = pages.signedIn(pages.ada);
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        if (http != null) {
            http.close();
        }
    }

    private String awaiting(AuthorizationRequest request) {
        try (FacesRequest asked = FacesRequest.of(pages.browser)) {
            return pages.consentPrompt.await(request, current.session().id(), asked.servletRequest(),
                    pages.browser.response());
        }
    }

    private ConsentBean page(String requestId) {
        http = http == null ? FacesRequest.of(pages.browser) : http.next();
        http.parameters.put("consent:request", requestId);
        ConsentBean bean = new ConsentBean();
        bean.signIn = pages.signInCompletion(false);
        bean.singleSignOn = pages.singleSignOn;
        bean.consentPrompt = pages.consentPrompt;
        bean.clients = pages.stores.clients;
        bean.completion = pages.completion;
        bean.load();
        return bean;
    }

    private static void answer(ConsentBean bean, boolean allow) {
        try {
            if (allow) {
                bean.allow();
            } else {
                bean.deny();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pageShowsTheClientThePersonAndTheScopesInWordsInTheOrderAsked() {
        String id = awaiting(SignInPages.request("openid email offline_access profile custom:read", "consent"));
        ConsentBean bean = page(id);

        assertThat(bean.isValid()).isTrue();
        assertThat(bean.getRequestId()).isEqualTo(id);
        assertThat(bean.getClientName()).isEqualTo("The App");
        assertThat(bean.getUsername()).isEqualTo("ada");
        assertThat(bean.getScopes()).containsExactly(
                "Know who you are on EchoID (your account's identifier)",
                "See your email address",
                "Keep this access when you are not signed in: signing out does not end it",
                "See your name and user name",
                "custom:read");
        assertThat(pages.notedLoginIds).containsExactly("login-1");
    }

    @Test
    void allowRecordsTheConsentIssuesTheCodeAndIsTakenOnce() {
        String id = awaiting(SignInPages.request("openid offline_access", "consent"));
        ConsentBean bean = page(id);
        answer(bean, true);

        IssuedCode code = pages.issuedCode(http.redirectedTo);
        assertThat(code.userId()).isEqualTo(pages.ada.id());
        assertThat(code.ssoSessionId()).isEqualTo(current.session().id());
        assertThat(code.scope()).isEqualTo("openid offline_access");
        assertThat(pages.consentRows).containsKey(pages.ada.id());
        assertThat(pages.consentRows.get(pages.ada.id()).scope()).isEqualTo("openid offline_access");
        assertThat(pages.stores.auditTypes()).containsExactly(AuditEvent.Type.CONSENT_GRANTED,
                AuditEvent.Type.CODE_ISSUED);
        assertThat(pages.stores.auditRows.get(0).remoteAddress()).isEqualTo(http.remoteAddress);

        // the same answer again (a replayed POST): nothing more
        ConsentBean again = page(id);
        assertThat(again.isValid()).isFalse();
        answer(again, true);
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.codeRows).hasSize(1);
    }

    @Test
    void denyAnswersAccessDeniedWithTheStateAndIssuesNothing() {
        String id = awaiting(SignInPages.request("openid", "consent"));
        answer(page(id), false);

        SignInPages.assertRedirectToClient(http.redirectedTo);
        assertThat(SignInPages.query(http.redirectedTo)).containsEntry("error", "access_denied")
                .doesNotContainKey("code");
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.consentRows).isEmpty();
        assertThat(pages.stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.CONSENT_DENIED);
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
        });
        assertThat(pages.consentPrompt.find(id, current.session().id(), http.servletRequest())).as("taken")
                .isEmpty();
    }

    @Test
    void answerTakenMeanwhileByAnotherTabDoesNothing() {
        String id = awaiting(SignInPages.request("openid", "consent"));
        ConsentBean bean = page(id);
        pages.pendingRows.consentRows.clear();
        answer(bean, true);
        assertThat(bean.isValid()).isFalse();
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.auditRows).isEmpty();
    }

    @Test
    void withoutASignOnSessionThereIsNothingToAnswer() {
        String id = awaiting(SignInPages.request("openid", "consent"));
        pages.browser.cookies.remove(SingleSignOn.COOKIE);
        ConsentBean bean = page(id);
        assertThat(bean.isValid()).isFalse();
        assertThat(bean.getClientName()).isEmpty();
        assertThat(bean.getUsername()).isEmpty();
        assertThat(bean.getScopes()).isEmpty();
        answer(bean, true);
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.notedLoginIds).isEmpty();
    }

    @Test
    void anotherBrowserWithItsOwnSessionCannotAnswerTheRequest() {
        String id = awaiting(SignInPages.request("openid", "consent"));
        Browser other = new Browser("/identity");
        other.cookies.put(SingleSignOn.COOKIE, pages.browser.cookies.get(SingleSignOn.COOKIE));
        http = FacesRequest.of(other);
        http.parameters.put("consent:request", id);
        ConsentBean bean = new ConsentBean();
        bean.signIn = pages.signInCompletion(false);
        bean.singleSignOn = pages.singleSignOn;
        bean.consentPrompt = pages.consentPrompt;
        bean.clients = pages.stores.clients;
        bean.completion = pages.completion;
        bean.load();
        assertThat(bean.isValid()).as("bound to the browser that asked").isFalse();
    }

    @Test
    void disabledClientGetsNoAnswer() {
        String id = awaiting(SignInPages.request("openid", "consent"));
        pages.stores.clients.update(new Client("app", "The App", "secret-hash", List.of(SignInPages.REDIRECT), false,
                Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", false));
        ConsentBean bean = page(id);
        assertThat(bean.isValid()).isFalse();
        assertThat(bean.getClientName()).isEmpty();
        answer(bean, true);
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.consentPrompt.find(id, current.session().id(), http.servletRequest())).as("not taken")
                .isPresent();
    }

    @Test
    void requestIdFromTheFormsField() {
        ConsentBean bean = new ConsentBean();
        bean.setRequestId("r-1");
        assertThat(bean.getRequestId()).isEqualTo("r-1");
    }
}
