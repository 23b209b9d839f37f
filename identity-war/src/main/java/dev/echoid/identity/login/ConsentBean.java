package dev.echoid.identity.login;

import dev.echoid.identity.login.SingleSignOn.Current;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Clients;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Backs the consent page (OIDC Core §11, {@code prompt=consent}): a signed-in person allows or denies what a client
 * asks for. The request waits in PostgreSQL, bound to this browser and its sign-on session; the answer is taken
 * once, and only as a same-site POST with the form's token ({@code web.FormProtectionFilter}).
 */
@Named("consent")
@RequestScoped
public class ConsentBean {

    @Inject
    SignInCompletion signIn;
    @Inject
    SingleSignOn singleSignOn;
    @Inject
    ConsentPrompt consentPrompt;
    @Inject
    Clients clients;
    @Inject
    AuthorizationCompletion completion;

    private String requestId;
    private Current current;
    private AuthorizationRequest request;
    private Client client;

    /** Before the form is decoded: the signed-in person and the request waiting for their answer, if any. */
    @PostConstruct
    void load() {
        HttpServletRequest http = SignInCompletion.request();
        requestId = SignInCompletion.requestId("consent");
        current = singleSignOn.current(http).orElse(null);
        request = current == null ? null
                : consentPrompt.find(requestId, current.session().id(), http).orElse(null);
        client = request == null ? null : clients.find(request.clientId()).filter(Client::enabled)
                .orElse(null);
        if (request != null) {
            signIn.noteLoginId(request.loginId());
        }
    }

    public void allow() throws IOException {
        answer(true);
    }

    public void deny() throws IOException {
        answer(false);
    }

    private void answer(boolean allowed) throws IOException {
        HttpServletRequest http = SignInCompletion.request();
        if (!isValid()) {
            return;
        }
        Optional<AuthorizationRequest> taken = consentPrompt.take(requestId, current.session().id(), http);
        if (taken.isEmpty()) {
            request = null;
            return;
        }
        AuthorizationRequest authorization = taken.get();
        // OIDC Core §3.1.2.6 / RFC 6749 §4.1.2.1: a denial is access_denied to the client
        URI redirect = allowed ? completion.consented(authorization, current, http.getRemoteAddr())
                : completion.denied(authorization, current, http.getRemoteAddr());
        FacesContext.getCurrentInstance().getExternalContext().redirect(redirect.toString());
    }

    public boolean isValid() {
        return request != null && client != null;
    }

    public String getRequestId() {
        return requestId;
    }

    public void setRequestId(String requestId) {
        this.requestId = requestId;
    }

    public String getClientName() {
        return client == null ? "" : client.name();
    }

    public String getUsername() {
        return current == null ? "" : current.user().username();
    }

    /** What the client asks for, in the person's words, in the order asked. */
    public List<String> getScopes() {
        if (request == null) {
            return List.of();
        }
        return request.scope().values().stream().map(ConsentBean::describe).toList();
    }

    private static String describe(String scope) {
        return switch (scope) {
            case Scope.OPENID -> "Know who you are on EchoID (your account's identifier)";
            case Scope.PROFILE -> "See your name and user name";
            case Scope.EMAIL -> "See your email address";
            case Scope.OFFLINE_ACCESS -> "Keep this access when you are not signed in: signing out does not end it";
            default -> scope;
        };
    }
}
