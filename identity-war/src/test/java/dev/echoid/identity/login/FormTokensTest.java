package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.security.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token every Faces form carries: on a sign-in page with a pending request, bound to that request and the
 * browser's {@code IDENTITY_LOGIN} secret; on any other page, to the browser's {@code IDENTITY_SSO} secret; a POST
 * passes only with exactly the one expected value.
 */
class FormTokensTest {

    private final SignInPages pages = new SignInPages();
    private final String id = pages.pendingRequest(SignInPages.request("openid", null));
    private final FacesRequest http = FacesRequest.of(pages.browser);

    @AfterEach
    void endRequest() {
        http.close();
    }

    @Test
    void signInPagesCarryTheTokenOfTheirRequest() {
        for (String[] page : new String[][] {{"/login.xhtml", "login"}, {"/mfa.xhtml", "mfa"},
                {"/enrol.xhtml", "enrol"}}) {
            http.servletPath = page[0];
            http.parameters.clear();
            http.parameters.put(page[1] + ":request", id);
            assertThat(pages.formTokens.expected(http.servletRequest())).as(page[0])
                    .isEqualTo(pages.pending.formToken(id, http.servletRequest())).isPresent();
        }
        http.parameters.clear();
        http.parameters.put("request", id);
        assertThat(pages.formTokens.expected(http.servletRequest()))
                .isEqualTo(pages.pending.formToken(id, http.servletRequest()));
    }

    @Test
    void otherPagesCarryTheTokenOfTheSignOnSession() {
        pages.signedIn(pages.ada);
        String secret = pages.browser.cookies.get(SingleSignOn.COOKIE);
        http.servletPath = "/account.xhtml";
        http.parameters.put("request", id);
        assertThat(pages.formTokens.expected(http.servletRequest())).contains(Sha256.base64Url("account:" + secret));
        // a sign-in page without a request id: the session's
        http.servletPath = "/login.xhtml";
        http.parameters.clear();
        assertThat(pages.formTokens.expected(http.servletRequest())).contains(Sha256.base64Url("account:" + secret));
    }

    @Test
    void matchesOnlyExactlyTheExpectedValueOnce() {
        http.parameters.put("login:request", id);
        String expected = pages.formTokens.expected(http.servletRequest()).orElseThrow();
        assertThat(pages.formTokens.matches(http.servletRequest())).as("none given").isFalse();
        http.parameters.put(FormTokens.PARAMETER, expected);
        assertThat(pages.formTokens.matches(http.servletRequest())).isTrue();
        http.parameters.put(FormTokens.PARAMETER, expected.substring(1));
        assertThat(pages.formTokens.matches(http.servletRequest())).isFalse();
        http.parameters.put(FormTokens.PARAMETER, "");
        assertThat(pages.formTokens.matches(http.servletRequest())).isFalse();
        http.repeated.put(FormTokens.PARAMETER, new String[] {expected, expected});
        assertThat(pages.formTokens.matches(http.servletRequest())).as("given twice").isFalse();
    }

    @Test
    void matchesNothingWhenTheBrowserHasNoSecret() {
        pages.browser.cookies.clear();
        http.servletPath = "/account.xhtml";
        assertThat(pages.formTokens.expected(http.servletRequest())).isEmpty();
        http.parameters.put(FormTokens.PARAMETER, "");
        assertThat(pages.formTokens.matches(http.servletRequest())).isFalse();
    }

    @Test
    void theBeanGivesThePageItsFormsToken() {
        FormTokenBean bean = new FormTokenBean();
        bean.formTokens = pages.formTokens;
        http.parameters.put("login:request", id);
        assertThat(bean.getValue()).isEqualTo(pages.pending.formToken(id, http.servletRequest()).orElseThrow());
        pages.browser.cookies.clear();
        assertThat(bean.getValue()).isEmpty();
    }
}
