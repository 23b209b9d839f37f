package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.IssuedCode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one way an authorization ends once the person is known, without a container: by the browser's sign-on session
 * (touched; {@code consent_required} under {@code prompt=none} when consent must be asked) or by a fresh sign-in;
 * the consent page when consent must be asked, otherwise the code for the session; the answers of the consent
 * page; an error to the proven redirect URI with the state and the issuer.
 */
class AuthorizationCompletionTest {

    private final SignInPages pages = new SignInPages();
    private final SingleSignOn.Current current = pages.signedIn(pages.ada);
    private final FacesRequest http = FacesRequest.of(pages.browser);
    private final Client thirdParty = pages.app;
    private final Client firstParty = new Client("app", "The App", "h", List.of(SignInPages.REDIRECT), true,
            Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", false, true);

    @AfterEach
    void endRequest() {
        http.close();
    }

    private URI bySession(AuthorizationRequest request, Client client) {
        return pages.completion.signedOnBySession(request, client, current, http.servletRequest(),
                pages.browser.response());
    }

    @Test
    void signedOnBySessionIssuesTheCodeForTheSessionAndTouchesIt() {
        pages.clock.advance(Duration.ofMinutes(5));
        URI redirect = bySession(SignInPages.request("openid", null), thirdParty);

        IssuedCode code = pages.issuedCode(redirect.toString());
        assertThat(code.ssoSessionId()).isEqualTo(current.session().id());
        assertThat(code.authTime()).isEqualTo(current.session().authTime());
        assertThat(code.userId()).isEqualTo(pages.ada.id());
        assertThat(pages.sessions.rows.get(current.session().id()).lastSeenAt()).isEqualTo(pages.clock.instant());
        assertThat(pages.stores.auditRows).singleElement()
                .satisfies(event -> assertThat(event.remoteAddress()).isEqualTo(http.remoteAddress));
    }

    @Test
    void signedOnBySessionWhenConsentIsNeededShowsTheConsentPageForTheSession() {
        pages.clock.advance(Duration.ofMinutes(5));
        URI redirect = bySession(SignInPages.request("openid offline_access", "consent"), thirdParty);

        assertThat(redirect.toString()).startsWith(SignInPages.ISSUER + "/consent.xhtml?request=");
        String id = SignInPages.query(redirect.toString()).get("request");
        assertThat(pages.consentPrompt.find(id, current.session().id(), http.servletRequest())).isPresent();
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.sessions.rows.get(current.session().id()).lastSeenAt()).as("not touched yet")
                .isEqualTo(current.session().lastSeenAt());
    }

    @Test
    void signedOnBySessionWhenConsentIsNeededAndPromptNoneThenConsentRequired() {
        assertThatThrownBy(() -> bySession(SignInPages.request("openid offline_access", "none"), thirdParty))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.CONSENT_REQUIRED));
        assertThat(pages.pendingRows.consentRows).isEmpty();
        assertThat(pages.stores.codeRows).isEmpty();
        // a first-party client needs no consent for offline access: prompt=none is answered with a code
        assertThat(bySession(SignInPages.request("openid offline_access", "none"), firstParty).toString())
                .startsWith(SignInPages.REDIRECT + "?code=");
    }

    @Test
    void signedInIssuesTheCodeOrAsksConsent() {
        URI code = pages.completion.signedIn(SignInPages.request("openid", null), thirdParty, pages.ada,
                current.session(), http.servletRequest(), pages.browser.response());
        assertThat(pages.issuedCode(code.toString()).ssoSessionId()).isEqualTo(current.session().id());

        URI consent = pages.completion.signedIn(SignInPages.request("openid", "consent"), thirdParty, pages.ada,
                current.session(), http.servletRequest(), pages.browser.response());
        assertThat(consent.toString()).startsWith(SignInPages.ISSUER + "/consent.xhtml?request=");
        assertThat(pages.stores.codeRows).hasSize(1);
    }

    @Test
    void consentedRecordsTheAnswerTouchesTheSessionAndIssues() {
        pages.clock.advance(Duration.ofMinutes(5));
        URI redirect = pages.completion.consented(SignInPages.request("openid", "consent"), current, "192.0.2.1");
        assertThat(pages.issuedCode(redirect.toString()).userId()).isEqualTo(pages.ada.id());
        assertThat(pages.consentRows).containsKey(pages.ada.id());
        assertThat(pages.sessions.rows.get(current.session().id()).lastSeenAt()).isEqualTo(pages.clock.instant());
        assertThat(pages.stores.auditRows).extracting(AuditEvent::remoteAddress).containsOnly("192.0.2.1");
    }

    @Test
    void deniedAnswersAccessDeniedAndIssuesNothing() {
        URI redirect = pages.completion.denied(SignInPages.request("openid", "consent"), current, "192.0.2.1");
        SignInPages.assertRedirectToClient(redirect.toString());
        assertThat(SignInPages.query(redirect.toString())).containsEntry("error", "access_denied")
                .containsEntry("error_description", "The user denied the request");
        assertThat(pages.stores.codeRows).isEmpty();
        assertThat(pages.consentRows).isEmpty();
    }

    @Test
    void errorGoesToTheProvenRedirectUriWithStateAndIssuer() {
        URI redirect = pages.completion.error(SignInPages.REDIRECT,
                new OAuthException(OAuthError.LOGIN_REQUIRED, "sign in first"), "state-1");
        SignInPages.assertRedirectToClient(redirect.toString());
        assertThat(SignInPages.query(redirect.toString())).containsEntry("error", "login_required")
                .containsEntry("error_description", "sign in first");
    }
}
