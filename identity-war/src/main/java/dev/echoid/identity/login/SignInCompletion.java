package dev.echoid.identity.login;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.AuthorizationResponse;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.User;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * What every sign-in page (password, second factor, enrolment) shares: the pending request it works on, found by
 * the id in the page's URL or form, and the last move, which takes the request, opens or renews the sign-on session,
 * issues the code and sends the browser back to the client. The response itself is built by
 * {@link AuthorizationResponse}; the pages never build protocol messages.
 *
 * <p>The pages are stateless Faces views and their beans request-scoped: nothing of a sign-in lives in one node's
 * memory, so any node can serve any step.
 */
final class SignInCompletion {

    private SignInCompletion() {
    }

    static IdentityProvider provider() {
        return IdentityProvider.from((ServletContext) FacesContext.getCurrentInstance().getExternalContext()
                .getContext());
    }

    static HttpServletRequest request() {
        return (HttpServletRequest) FacesContext.getCurrentInstance().getExternalContext().getRequest();
    }

    /** The pending request id: {@code ?request=} on a GET, the form's hidden field on a POST. */
    static String requestId(String form) {
        return requestId(FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap()::get, form);
    }

    /** The same, from any source of request parameters (the form filter reads them before Faces does). */
    static String requestId(UnaryOperator<String> parameter, String form) {
        String id = parameter.apply("request");
        if (id == null || id.isBlank()) {
            id = parameter.apply(form + ":request");
        }
        return id == null || id.isBlank() ? null : id;
    }

    static Optional<AuthorizationRequest> pending(String requestId) {
        return provider().pendingAuthorizations().find(requestId, request());
    }

    static Optional<UUID> passwordVerifiedUser(String requestId) {
        return provider().pendingAuthorizations().passwordVerifiedUser(requestId, request());
    }

    static void passwordVerified(String requestId, UUID userId) {
        provider().pendingAuthorizations().passwordVerified(requestId, request(), userId);
    }

    /** Completes the pending request {@code requestId} for {@code user}; false when it is gone (expired, used). */
    static boolean complete(String requestId, User user, String amr) throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest http = request();
        IdentityProvider provider = provider();
        Optional<AuthorizationRequest> taken = provider.pendingAuthorizations().take(requestId, http);
        if (taken.isEmpty()) {
            return false;
        }
        HttpSession session = http.getSession(false);
        if (session != null) {
            // session fixation: whatever session this browser had gets a new id once the person is authenticated
            http.changeSessionId();
        }
        if (provider.settings().loginPolicy().singleSession()) {
            provider.sessionTermination().endAll(user.id(), user.username(), http.getRemoteAddr(),
                    "new sign-in (single-session policy)");
        }
        // this browser has now signed in as the user: its own allowance from now on (OWASP device cookies)
        provider.deviceCookies().remember(user.username(), http, (HttpServletResponse) external.getResponse());
        AuthorizationRequest authorization = taken.get();
        Optional<SingleSignOn.Current> replaced = provider.singleSignOn().otherUsersSession(user, http);
        SsoSession sso = provider.singleSignOn().signedIn(user, amr, authorization.loginId(), http,
                (HttpServletResponse) external.getResponse());
        // another person signed in on this browser: the previous one's session ends as a logout would end it
        replaced.ifPresent(previous -> provider.sessionTermination().ended(previous.session().id(),
                previous.user().id(), previous.user().username(), http.getRemoteAddr(),
                "another user signed in on the same browser"));
        if (provider.consentPrompt().isRequired(authorization,
                provider.clients().find(authorization.clientId()).orElse(null))) {
            // OIDC Core §11 / prompt=consent: the person answers the consent page before any code is issued
            continueAt("consent.xhtml", provider.consentPrompt().await(authorization, sso.id(), http,
                    (HttpServletResponse) external.getResponse()));
            return true;
        }
        String code = provider.codeGrant().issue(authorization, user, sso.authTime(), sso.id(),
                http.getRemoteAddr());
        external.redirect(AuthorizationResponse.success(authorization.redirectUri(), code, authorization.state(),
                provider.settings().issuer()).toString());
        return true;
    }

    /** Sends the browser to another page of the sign-in, for the same pending request. */
    static void continueAt(String page, String requestId) throws IOException {
        FacesContext.getCurrentInstance().getExternalContext().redirect(
                provider().settings().issuer() + "/" + page + "?request=" + requestId);
    }
}
