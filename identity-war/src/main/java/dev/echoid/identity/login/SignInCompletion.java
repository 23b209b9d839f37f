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
import java.io.IOException;
import java.util.Optional;

/**
 * The last move of every sign-in page (password, second factor, enrolment): take the pending request, open or renew
 * the sign-on session, issue the code and send the browser back to the client. The response itself is built by
 * {@link AuthorizationResponse}; the pages never build protocol messages.
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

    static PendingAuthorizations pending() {
        return PendingAuthorizations.of(request().getSession());
    }

    /** Completes the pending request {@code requestId} for {@code user}; false when it is gone (expired, used). */
    static boolean complete(String requestId, User user, String amr) throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest http = request();
        IdentityProvider provider = provider();
        Optional<AuthorizationRequest> taken = pending().take(requestId);
        if (taken.isEmpty()) {
            return false;
        }
        // session fixation: a new session id once the person is authenticated
        http.changeSessionId();
        if (provider.settings().loginPolicy().singleSession()) {
            provider.sessionTermination().endAll(user.id(), user.username(), http.getRemoteAddr(),
                    "new sign-in (single-session policy)");
        }
        AuthorizationRequest authorization = taken.get();
        SsoSession session = provider.singleSignOn().signedIn(user, amr, authorization.loginId(), http,
                (HttpServletResponse) external.getResponse());
        String code = provider.codeGrant().issue(authorization, user, session.authTime(), session.id(),
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
