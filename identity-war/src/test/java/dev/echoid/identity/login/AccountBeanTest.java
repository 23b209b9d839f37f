package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.SsoSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The account page's bean without a container: the signed-in person's names and second factor, and "sign out
 * everywhere", which ends every session of the user (this browser's too, its cookie cleared) and says so.
 */
class AccountBeanTest {

    private final SignInPages pages = new SignInPages();
    private FacesRequest http;

    @AfterEach
    void endRequest() {
        if (http != null) {
            http.close();
        }
    }

    private AccountBean page() {
        http = http == null ? FacesRequest.of(pages.browser) : http.next();
        AccountBean bean = new AccountBean();
        bean.singleSignOn = pages.singleSignOn;
        bean.sessionTermination = pages.termination;
        bean.secondFactor = pages.secondFactor;
        bean.load();
        return bean;
    }

    private static void signOutEverywhere(AccountBean bean) {
        try {
            bean.signOutEverywhere();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void signedInPersonSeesTheirNamesAndWhetherTheyHaveASecondFactor() {
        pages.signedIn(pages.ada);
        AccountBean bean = page();
        assertThat(bean.isSignedIn()).isTrue();
        assertThat(bean.getUsername()).isEqualTo("ada");
        assertThat(bean.getName()).isEqualTo("Ada Lovelace");
        assertThat(bean.isSecondFactorEnrolled()).isFalse();
        assertThat(bean.isSignedOutEverywhere()).isFalse();
        pages.enrol(pages.ada);
        assertThat(page().isSecondFactorEnrolled()).isTrue();
    }

    @Test
    void withoutASessionNothingIsShownAndNothingEnds() {
        AccountBean bean = page();
        assertThat(bean.isSignedIn()).isFalse();
        assertThat(bean.getUsername()).isEmpty();
        assertThat(bean.getName()).isEmpty();
        pages.enrol(pages.ada);
        assertThat(bean.isSecondFactorEnrolled()).isFalse();
        signOutEverywhere(bean);
        assertThat(bean.isSignedOutEverywhere()).isFalse();
        assertThat(pages.stores.auditRows).isEmpty();
    }

    @Test
    void signOutEverywhereEndsEverySessionOfTheUserAndClearsThisBrowsersCookie() {
        pages.signedIn(pages.ada);
        Browser laptop = new Browser("/identity");
        try (FacesRequest elsewhere = FacesRequest.of(laptop)) {
            pages.singleSignOn.signedIn(pages.ada, "pwd", "login-9", elsewhere.servletRequest(), laptop.response());
        }
        AccountBean bean = page();
        signOutEverywhere(bean);

        assertThat(bean.isSignedOutEverywhere()).isTrue();
        assertThat(bean.isSignedIn()).isFalse();
        assertThat(pages.sessions.rows.values()).hasSize(2).allSatisfy(session ->
                assertThat(session.endedAt()).isNotNull());
        assertThat(pages.browser.cookies).doesNotContainKey(SingleSignOn.COOKIE);
        assertThat(pages.stores.auditRows).filteredOn(event -> event.type() == AuditEvent.Type.SESSIONS_ENDED)
                .singleElement().satisfies(event -> {
                    assertThat(event.detail()).isEqualTo("2 session(s): the user signed out everywhere");
                    assertThat(event.remoteAddress()).isEqualTo(http.remoteAddress);
                });
        assertThat(page().isSignedIn()).isFalse();
    }

    @Test
    void signOutEverywhereLeavesOtherUsersSessions() {
        UUID bob = pages.stores.addUser("bob", true).id();
        Browser other = new Browser("/identity");
        SsoSession bobs;
        try (FacesRequest elsewhere = FacesRequest.of(other)) {
            bobs = pages.singleSignOn.signedIn(pages.stores.users.find(bob).orElseThrow(), "pwd", "l",
                    elsewhere.servletRequest(), other.response());
        }
        pages.signedIn(pages.ada);
        signOutEverywhere(page());
        assertThat(pages.sessions.rows.get(bobs.id()).endedAt()).isNull();
    }

    @Test
    void signOutEverywhereWhenTheSessionEndedMeanwhileStillSaysSo() {
        SingleSignOn.Current current = pages.signedIn(pages.ada);
        AccountBean bean = page();
        pages.sessions.end(current.session().id());
        signOutEverywhere(bean);
        assertThat(bean.isSignedOutEverywhere()).isTrue();
        assertThat(pages.stores.auditRows).filteredOn(event -> event.type() == AuditEvent.Type.SESSIONS_ENDED)
                .singleElement().satisfies(event -> assertThat(event.detail()).startsWith("0 session(s)"));
    }
}
