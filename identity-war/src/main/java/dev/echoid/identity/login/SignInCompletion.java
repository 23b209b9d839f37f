package dev.echoid.identity.login;

import dev.echoid.identity.logout.SessionTermination;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.User;
import dev.echoid.plumbing.AccessLogLine;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * What every sign-in page (password, second factor, enrolment) shares: the pending request it works on, found by
 * the id in the page's URL or form, and the last move, which takes the request, opens or renews the sign-on session
 * and hands over to {@link AuthorizationCompletion}, the one path that asks for consent or issues the code; the
 * pages never build protocol messages.
 *
 * <p>The pages are stateless Faces views and their beans request-scoped: nothing of a sign-in lives in one node's
 * memory, so any node can serve any step. The beans receive this (and the other services they use) from the
 * provider's one CDI producer.
 */
public final class SignInCompletion {

    private final PendingAuthorizations pendingAuthorizations;
    private final SingleSignOn singleSignOn;
    private final SessionTermination sessionTermination;
    private final DeviceCookies deviceCookies;
    private final Clients clients;
    private final AuthorizationCompletion completion;
    private final URI issuer;
    private final boolean singleSession;

    /** @param singleSession the single-session policy: a new sign-in ends the user's other sessions */
    public SignInCompletion(PendingAuthorizations pendingAuthorizations, SingleSignOn singleSignOn,
            SessionTermination sessionTermination, DeviceCookies deviceCookies, Clients clients,
            AuthorizationCompletion completion, URI issuer, boolean singleSession) {
        this.pendingAuthorizations = pendingAuthorizations;
        this.singleSignOn = singleSignOn;
        this.sessionTermination = sessionTermination;
        this.deviceCookies = deviceCookies;
        this.clients = clients;
        this.completion = completion;
        this.issuer = issuer;
        this.singleSession = singleSession;
    }

    /** The request's access line names this login id (the pending request the page works on). */
    void noteLoginId(String loginId) {
        AccessLogLine.noteLoginId(request(), loginId);
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

    Optional<AuthorizationRequest> pending(String requestId) {
        return pendingAuthorizations.find(requestId, request());
    }

    Optional<UUID> passwordVerifiedUser(String requestId) {
        return pendingAuthorizations.passwordVerifiedUser(requestId, request());
    }

    void passwordVerified(String requestId, UUID userId) {
        pendingAuthorizations.passwordVerified(requestId, request(), userId);
    }

    /** Completes the pending request {@code requestId} for {@code user}; false when it is gone (expired, used). */
    boolean complete(String requestId, User user, String amr) throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest http = request();
        Optional<AuthorizationRequest> taken = pendingAuthorizations.take(requestId, http);
        if (taken.isEmpty()) {
            return false;
        }
        HttpSession session = http.getSession(false);
        if (session != null) {
            // session fixation: whatever session this browser had gets a new id once the person is authenticated
            http.changeSessionId();
        }
        if (singleSession) {
            sessionTermination.endAll(user.id(), user.username(), http.getRemoteAddr(),
                    "new sign-in (single-session policy)");
        }
        // this browser has now signed in as the user: its own allowance from now on (OWASP device cookies)
        deviceCookies.remember(user.username(), http, (HttpServletResponse) external.getResponse());
        AuthorizationRequest authorization = taken.get();
        Optional<SingleSignOn.Current> replaced = singleSignOn.otherUsersSession(user, http);
        SsoSession sso = singleSignOn.signedIn(user, amr, authorization.loginId(), http,
                (HttpServletResponse) external.getResponse());
        // another person signed in on this browser: the previous one's session ends as a logout would end it
        replaced.ifPresent(previous -> sessionTermination.ended(previous.session().id(),
                previous.user().id(), previous.user().username(), http.getRemoteAddr(),
                "another user signed in on the same browser"));
        external.redirect(completion.signedIn(authorization, clients.find(authorization.clientId()).orElse(null),
                user, sso, http, (HttpServletResponse) external.getResponse()).toString());
        return true;
    }

    /** Sends the browser to another page of the sign-in, for the same pending request. */
    void continueAt(String page, String requestId) throws IOException {
        goTo(page + "?request=" + requestId);
    }

    /** Sends the browser to another page of this site ({@code page} may carry a query). */
    void goTo(String page) throws IOException {
        FacesContext.getCurrentInstance().getExternalContext().redirect(issuer + "/" + page);
    }
}
