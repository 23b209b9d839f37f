package dev.echoid.identity.login;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The token every Faces form carries (hidden field {@value #PARAMETER}) and must bring back in its POST. It is
 * derived from a cookie secret, never kept in a node's memory, so any node renders a form and any node takes its POST:
 * on a sign-in page with a pending request it is bound to that request and the browser's {@code IDENTITY_LOGIN}
 * secret; on any other page (account, enrolment from the account page) to the browser's {@code IDENTITY_SSO} secret.
 */
public final class FormTokens {

    public static final String PARAMETER = "form_token";
    private static final String SESSION_PURPOSE = "account";
    /** The sign-in pages, by servlet path, with the id of their form (its fields are named {@code id:...}). */
    private static final Map<String, String> SIGN_IN_FORMS = Map.of("/login.xhtml", "login", "/mfa.xhtml", "mfa",
            "/enrol.xhtml", "enrol");

    private final PendingAuthorizations pendingAuthorizations;
    private final SingleSignOn singleSignOn;

    public FormTokens(PendingAuthorizations pendingAuthorizations, SingleSignOn singleSignOn) {
        this.pendingAuthorizations = pendingAuthorizations;
        this.singleSignOn = singleSignOn;
    }

    /** The token this page's form carries, and its POST must bring; empty when the browser has no such cookie. */
    public Optional<String> expected(HttpServletRequest request) {
        String form = SIGN_IN_FORMS.get(request.getServletPath());
        String requestId = form == null ? null : SignInCompletion.requestId(request::getParameter, form);
        return requestId != null ? pendingAuthorizations.formToken(requestId, request)
                : singleSignOn.formToken(request, SESSION_PURPOSE);
    }

    /** Does the POST bring its form's token? Compared in constant time. */
    public boolean matches(HttpServletRequest request) {
        String[] given = request.getParameterValues(PARAMETER);
        Optional<String> expected = expected(request);
        return given != null && given.length == 1 && expected.isPresent() && MessageDigest.isEqual(
                expected.get().getBytes(StandardCharsets.UTF_8), given[0].getBytes(StandardCharsets.UTF_8));
    }
}
