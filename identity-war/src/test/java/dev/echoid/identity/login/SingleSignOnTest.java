package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.InMemorySsoSessions;
import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.MutableClock;
import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sign-on session's rules: only the hash of the cookie's secret is stored, a sign-in re-authenticates the same
 * user's session and replaces another user's, idle and absolute lifetimes, a disabled user has no session, and
 * sign-out ends it and clears the cookie.
 */
class SingleSignOnTest {

    private static final Duration IDLE = Duration.ofHours(1);
    private static final Duration MAX = Duration.ofHours(8);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final InMemorySsoSessions sessions = new InMemorySsoSessions();
    private final SingleSignOn sso = new SingleSignOn(sessions, stores.users, IDLE, MAX, true, clock);
    private final User ada = stores.addUser("ada", true);
    private final User bob = stores.addUser("bob", true);
    private final Browser browser = new Browser("/identity");

    @Test
    void signInSetsAStrictCookieAndStoresOnlyTheHashOfItsSecret() {
        SsoSession session = sso.signedIn(ada, "pwd", "login-1", browser.request(), browser.response());

        Cookie cookie = browser.set.get(0);
        assertThat(cookie.getName()).isEqualTo("IDENTITY_SSO");
        assertThat(cookie.getPath()).isEqualTo("/identity");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSecure()).isTrue();
        assertThat(cookie.getMaxAge()).isEqualTo(-1);
        assertThat(cookie.getAttribute("SameSite")).isEqualTo("Lax");
        assertThat(sessions.bySecretHash).containsOnlyKeys(Sha256.base64Url(cookie.getValue()));
        assertThat(session.userId()).isEqualTo(ada.id());
        assertThat(session.amr()).isEqualTo("pwd");
        assertThat(session.loginId()).isEqualTo("login-1");
        assertThat(session.expiresAt()).isEqualTo(clock.instant().plus(MAX));

        assertThat(sso.current(browser.request())).hasValueSatisfying(current -> {
            assertThat(current.user()).isEqualTo(ada);
            assertThat(current.session().id()).isEqualTo(session.id());
        });
        assertThat(sso.amrOf(session.id())).contains("pwd");
        assertThat(sso.loginIds(session.id())).containsExactly("login-1");
    }

    @Test
    void rootContextGetsTheRootPath() {
        Browser atRoot = new Browser("");
        sso.signedIn(ada, "pwd", "l", atRoot.request(), atRoot.response());
        assertThat(atRoot.set.get(0).getPath()).isEqualTo("/");
    }

    @Test
    void theSameUserSigningInAgainKeepsTheSessionWithANewAuthTime() {
        SsoSession first = sso.signedIn(ada, "pwd", "login-1", browser.request(), browser.response());
        clock.advance(Duration.ofMinutes(10));
        SsoSession again = sso.signedIn(ada, "pwd otp", "login-2", browser.request(), browser.response());

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.authTime()).isEqualTo(clock.instant());
        assertThat(again.amr()).isEqualTo("pwd otp");
        assertThat(again.loginId()).isEqualTo("login-2");
        assertThat(sessions.rows.get(first.id()).amr()).isEqualTo("pwd otp");
        assertThat(sessions.rows.get(first.id()).loginId()).isEqualTo("login-2");
        assertThat(browser.set).hasSize(1);
    }

    @Test
    void anotherUserSigningInEndsTheFirstUsersSession() {
        SsoSession first = sso.signedIn(ada, "pwd", "login-1", browser.request(), browser.response());
        assertThat(sso.otherUsersSession(bob, browser.request())).isPresent();
        assertThat(sso.otherUsersSession(ada, browser.request())).isEmpty();

        SsoSession second = sso.signedIn(bob, "pwd", "login-2", browser.request(), browser.response());

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(sessions.rows.get(first.id()).endedAt()).isNotNull();
        assertThat(sso.current(browser.request()).orElseThrow().user()).isEqualTo(bob);
    }

    @Test
    void idleOrExpiredSessionIsNoSession() {
        SsoSession session = sso.signedIn(ada, "pwd", "l", browser.request(), browser.response());
        clock.advance(IDLE.minusMinutes(1));
        assertThat(sso.current(browser.request())).isPresent();
        sso.touch(sessions.rows.get(session.id()));
        clock.advance(IDLE.minusMinutes(1));
        assertThat(sso.current(browser.request())).as("touched, so not idle").isPresent();
        clock.advance(Duration.ofMinutes(2));
        assertThat(sso.current(browser.request())).as("idle").isEmpty();
    }

    @Test
    void disabledUserHasNoSession() {
        sso.signedIn(ada, "pwd", "l", browser.request(), browser.response());
        stores.users.setEnabled(ada.id(), false);
        assertThat(sso.current(browser.request())).isEmpty();
    }

    @Test
    void unknownOrEmptyCookieIsNoSession() {
        assertThat(sso.current(browser.request())).isEmpty();
        browser.cookies.put("IDENTITY_SSO", "forged");
        assertThat(sso.current(browser.request())).isEmpty();
        browser.cookies.put("IDENTITY_SSO", "");
        assertThat(sso.formToken(browser.request(), "logout")).isEmpty();
        browser.cookies.clear();
        browser.cookies.put("OTHER", "x");
        assertThat(sso.formToken(browser.request(), "logout")).isEmpty();
    }

    @Test
    void formTokenIsBoundToTheSecretAndThePurpose() {
        sso.signedIn(ada, "pwd", "l", browser.request(), browser.response());
        String secret = browser.cookies.get("IDENTITY_SSO");
        assertThat(sso.formToken(browser.request(), "logout"))
                .contains(Sha256.base64Url("logout:" + secret));
        assertThat(sso.formToken(browser.request(), "account")).isNotEqualTo(sso.formToken(browser.request(),
                "logout"));
    }

    @Test
    void signOutEndsTheSessionAndClearsTheCookie() {
        SsoSession session = sso.signedIn(ada, "pwd", "l", browser.request(), browser.response());
        assertThat(sso.end(browser.request(), browser.response())).hasValueSatisfying(
                ended -> assertThat(ended.session().id()).isEqualTo(session.id()));
        assertThat(sessions.rows.get(session.id()).endedAt()).isNotNull();
        Cookie cleared = browser.set.get(browser.set.size() - 1);
        assertThat(cleared.getMaxAge()).isZero();
        assertThat(cleared.getValue()).isEmpty();
        assertThat(sso.current(browser.request())).isEmpty();
        // nothing to end, no cookie to clear
        assertThat(sso.end(browser.request(), browser.response())).isEmpty();
        assertThat(browser.set).hasSize(2);
    }

    @Test
    void endAllOfEndsEverySessionOfTheUser() {
        SsoSession one = sso.signedIn(ada, "pwd", "l", browser.request(), browser.response());
        Browser other = new Browser("/identity");
        SsoSession two = sso.signedIn(ada, "pwd", "l", other.request(), other.response());
        assertThat(sso.endAllOf(ada.id())).containsExactlyInAnyOrder(one.id(), two.id());
        assertThat(sso.endAllOf(ada.id())).isEqualTo(List.of());
    }
}
