package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.security.Sha256;
import jakarta.servlet.http.Cookie;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests waiting for sign-in, without a database: kept under the hash of their id and bound to the hash of the
 * browser's {@code IDENTITY_LOGIN} secret (a strict cookie, set once), found only by that browser for ten minutes,
 * taken once; the password step recorded; the sign-in forms' token derived from the secret.
 */
class PendingAuthorizationsTest {

    private final SignInPages pages = new SignInPages();
    private final AuthorizationRequest request = SignInPages.request("openid profile", "login");
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        if (http != null) {
            http.close();
        }
    }

    private FacesRequest from(Browser browser) {
        if (http != null) {
            http.close();
        }
        http = FacesRequest.of(browser);
        return http;
    }

    @Test
    void addSetsAStrictSessionCookieAndStoresOnlyHashes() {
        String id = pages.pendingRequest(request);

        Cookie cookie = pages.browser.set.get(0);
        assertThat(cookie.getName()).isEqualTo("IDENTITY_LOGIN");
        assertThat(cookie.getPath()).isEqualTo("/identity");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSecure()).isTrue();
        assertThat(cookie.getMaxAge()).isEqualTo(-1);
        assertThat(cookie.getAttribute("SameSite")).isEqualTo("Lax");
        assertThat(cookie.getValue()).hasSize(43);
        assertThat(pages.pendingRows.rows).containsOnlyKeys(Sha256.base64Url(id));
        assertThat(pages.pendingRows.rows.get(Sha256.base64Url(id)).browserHash())
                .isEqualTo(Sha256.base64Url(cookie.getValue()));
        assertThat(pages.pendingRows.rows.get(Sha256.base64Url(id)).expiresAt())
                .isEqualTo(pages.clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(id).hasSize(22);
        // a second request of the same browser keeps its cookie
        pages.pendingRequest(request);
        assertThat(pages.browser.set).hasSize(1);
        assertThat(pages.pendingRows.rows).hasSize(2);
    }

    @Test
    void rootContextGetsTheRootPath() {
        Browser atRoot = new Browser("");
        pages.pending.add(request, from(atRoot).servletRequest(), atRoot.response());
        assertThat(atRoot.set.get(0).getPath()).isEqualTo("/");
    }

    @Test
    void findReturnsTheRequestAsKeptToItsBrowserOnlyUntilItExpires() {
        String id = pages.pendingRequest(request);
        assertThat(pages.pending.find(id, from(pages.browser).servletRequest())).contains(request);
        assertThat(pages.pending.find("other", http.servletRequest())).isEmpty();
        assertThat(pages.pending.find(null, http.servletRequest())).isEmpty();
        assertThat(pages.pending.find("", http.servletRequest())).isEmpty();

        Browser other = new Browser("/identity");
        assertThat(pages.pending.find(id, from(other).servletRequest())).as("no cookie").isEmpty();
        other.cookies.put("IDENTITY_LOGIN", "guessed");
        assertThat(pages.pending.find(id, from(other).servletRequest())).as("another secret").isEmpty();
        other.cookies.put("IDENTITY_LOGIN", "");
        assertThat(pages.pending.find(id, from(other).servletRequest())).as("an empty one").isEmpty();

        pages.clock.advance(Duration.ofMinutes(10));
        assertThat(pages.pending.find(id, from(pages.browser).servletRequest())).as("expired").isEmpty();
    }

    @Test
    void takeReturnsTheRequestOnce() {
        String id = pages.pendingRequest(request);
        assertThat(pages.pending.take(id, from(pages.browser).servletRequest())).contains(request);
        assertThat(pages.pending.take(id, http.servletRequest())).isEmpty();
        assertThat(pages.pending.find(id, http.servletRequest())).isEmpty();
    }

    @Test
    void passwordVerifiedIsRecordedForTheBrowserThatAsked() {
        String id = pages.pendingRequest(request);
        assertThat(pages.pending.passwordVerifiedUser(id, from(pages.browser).servletRequest())).isEmpty();

        Browser other = new Browser("/identity");
        pages.pending.passwordVerified(id, from(other).servletRequest(), pages.ada.id());
        assertThat(pages.pending.passwordVerifiedUser(id, from(pages.browser).servletRequest())).isEmpty();

        pages.pending.passwordVerified(id, http.servletRequest(), pages.ada.id());
        assertThat(pages.pending.passwordVerifiedUser(id, http.servletRequest())).contains(pages.ada.id());
        assertThat(pages.pending.passwordVerifiedUser(id, from(other).servletRequest())).isEmpty();
    }

    @Test
    void formTokenIsBoundToTheRequestAndTheBrowsersSecret() {
        String id = pages.pendingRequest(request);
        String secret = pages.browser.cookies.get("IDENTITY_LOGIN");
        assertThat(pages.pending.formToken(id, from(pages.browser).servletRequest()))
                .contains(Sha256.base64Url("form:" + id + ":" + secret));
        assertThat(pages.pending.formToken("other", http.servletRequest()))
                .isNotEqualTo(pages.pending.formToken(id, http.servletRequest()));
        assertThat(pages.pending.formToken(id, from(new Browser("/identity")).servletRequest())).isEmpty();
    }

    @Test
    void keptRequestsThatCannotBeReadAreAnErrorNotAnotherRequest() {
        assertThat(PendingAuthorizations.read(PendingAuthorizations.write(request))).isEqualTo(request);
        assertThat(PendingAuthorizations.read("{\"clientId\":\"app\",\"unknown\":1}").clientId()).isEqualTo("app");
        assertThatThrownBy(() -> PendingAuthorizations.read("not json")).isInstanceOf(IllegalStateException.class)
                .hasMessage("A kept authorization request cannot be read");
    }
}
