package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.User;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The last move every sign-in page shares, without a container: the request taken once, the single-session policy,
 * a previous user's session on this browser ended as a logout, the browser remembered, consent asked when it must
 * be; and where the pages find the request id.
 */
class SignInCompletionTest {

    private final SignInPages pages = new SignInPages();
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        if (http != null) {
            http.close();
        }
    }

    private boolean complete(SignInCompletion signIn, String id, User user) throws IOException {
        http = http == null ? FacesRequest.of(pages.browser) : http.next();
        return signIn.complete(id, user, "pwd");
    }

    @Test
    void completeTakesTheRequestOnceAndRemembersTheBrowser() throws IOException {
        SignInCompletion signIn = pages.signInCompletion(false);
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        assertThat(complete(signIn, id, pages.ada)).isTrue();
        SignInPages.assertRedirectToClient(http.redirectedTo);
        String device = pages.browser.cookies.get(DeviceCookies.COOKIE);
        assertThat(pages.deviceCookies.device("ada", device)).as("a genuine entry for ada").isPresent();

        assertThat(complete(signIn, id, pages.ada)).as("spent").isFalse();
        assertThat(http.redirectedTo).isNull();
        assertThat(pages.stores.codeRows).hasSize(1);
    }

    @Test
    void singleSessionPolicyEndsTheUsersOtherSessionsFirst() throws IOException {
        Browser laptop = new Browser("/identity");
        SsoSession other;
        try (FacesRequest elsewhere = FacesRequest.of(laptop)) {
            other = pages.singleSignOn.signedIn(pages.ada, "pwd", "login-0", elsewhere.servletRequest(),
                    laptop.response());
        }
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        assertThat(complete(pages.signInCompletion(true), id, pages.ada)).isTrue();

        assertThat(pages.sessions.rows.get(other.id()).endedAt()).isNotNull();
        assertThat(pages.stores.auditRows).filteredOn(event -> event.type() == AuditEvent.Type.SESSIONS_ENDED)
                .singleElement().satisfies(event -> assertThat(event.detail())
                        .isEqualTo("1 session(s): new sign-in (single-session policy)"));
        assertThat(pages.sessions.rows.values()).filteredOn(session -> session.endedAt() == null).hasSize(1);
    }

    @Test
    void withoutTheSingleSessionPolicyOtherSessionsStay() throws IOException {
        Browser laptop = new Browser("/identity");
        SsoSession other;
        try (FacesRequest elsewhere = FacesRequest.of(laptop)) {
            other = pages.singleSignOn.signedIn(pages.ada, "pwd", "login-0", elsewhere.servletRequest(),
                    laptop.response());
        }
        complete(pages.signInCompletion(false), pages.pendingRequest(SignInPages.request("openid", null)), pages.ada);
        assertThat(pages.sessions.rows.get(other.id()).endedAt()).isNull();
        assertThat(pages.stores.auditTypes()).doesNotContain(AuditEvent.Type.SESSIONS_ENDED);
    }

    @Test
    void anotherUserSigningInOnTheBrowserEndsThePreviousUsersSessionAsALogout() throws IOException {
        User bob = pages.stores.addUser("bob", true);
        SingleSignOn.Current bobs = pages.signedIn(bob);
        String id = pages.pendingRequest(SignInPages.request("openid", null));
        complete(pages.signInCompletion(false), id, pages.ada);

        assertThat(pages.sessions.rows.get(bobs.session().id()).endedAt()).isNotNull();
        assertThat(pages.stores.auditRows).filteredOn(event -> event.type() == AuditEvent.Type.LOGOUT)
                .singleElement().satisfies(event -> {
                    assertThat(event.userId()).isEqualTo(bob.id());
                    assertThat(event.detail()).endsWith("another user signed in on the same browser");
                    assertThat(event.loginId()).isEqualTo("login-0");
                });
        assertThat(pages.singleSignOn.current(http.servletRequest()).orElseThrow().user()).isEqualTo(pages.ada);
    }

    @Test
    void theSameUserSigningInAgainEndsNothing() throws IOException {
        SingleSignOn.Current own = pages.signedIn(pages.ada);
        complete(pages.signInCompletion(false), pages.pendingRequest(SignInPages.request("openid", null)), pages.ada);
        assertThat(pages.sessions.rows.get(own.session().id()).endedAt()).isNull();
        assertThat(pages.stores.auditTypes()).doesNotContain(AuditEvent.Type.LOGOUT);
    }

    @Test
    void consentAskedForSendsTheBrowserToTheConsentPageAndIssuesNoCode() throws IOException {
        String id = pages.pendingRequest(SignInPages.request("openid", "consent"));
        complete(pages.signInCompletion(false), id, pages.ada);
        assertThat(http.redirectedTo).startsWith(SignInPages.ISSUER + "/consent.xhtml?request=");
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.pendingRows.consentRows).hasSize(1);
    }

    @Test
    void continueAtAndGoToStayOnTheIssuersPages() throws IOException {
        SignInCompletion signIn = pages.signInCompletion(false);
        http = FacesRequest.of(pages.browser);
        signIn.continueAt("mfa.xhtml", "r-1");
        assertThat(http.redirectedTo).isEqualTo(SignInPages.ISSUER + "/mfa.xhtml?request=r-1");
        http = http.next();
        signIn.goTo("account.xhtml");
        assertThat(http.redirectedTo).isEqualTo(SignInPages.ISSUER + "/account.xhtml");
        signIn.noteLoginId("login-7");
        assertThat(pages.notedLoginIds).containsExactly("login-7");
    }

    @Test
    void requestIdIsTheUrlsThenTheFormsAndBlankIsNone() {
        assertThat(SignInCompletion.requestId(Map.of("request", "a", "login:request", "b")::get, "login"))
                .isEqualTo("a");
        assertThat(SignInCompletion.requestId(Map.of("request", " ", "login:request", "b")::get, "login"))
                .isEqualTo("b");
        assertThat(SignInCompletion.requestId(Map.of("mfa:request", "c")::get, "mfa")).isEqualTo("c");
        assertThat(SignInCompletion.requestId(Map.of("mfa:request", "c")::get, "login")).isNull();
        assertThat(SignInCompletion.requestId(Map.of("login:request", "  ")::get, "login")).isNull();
        assertThat(SignInCompletion.requestId(Map.<String, String>of()::get, "login")).isNull();
    }
}
