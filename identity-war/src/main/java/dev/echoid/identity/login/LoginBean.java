package dev.echoid.identity.login;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.User;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.Optional;

/**
 * Backs the login page: checks the password, then either completes the pending authorization request or hands it
 * to the second step (TOTP, or enrolment when a second factor is required and the user has none).
 */
@Named("login")
@RequestScoped
public class LoginBean {

    @Inject
    SignInCompletion signIn;
    @Inject
    Authenticator authenticator;
    @Inject
    SecondFactor secondFactor;
    @Inject
    Clients clients;

    private String requestId;
    private String clientName;
    private boolean valid;
    private String username;
    private String password;

    /** Before the form is decoded: is there a pending request for this id, started by this browser? */
    @PostConstruct
    void load() {
        requestId = SignInCompletion.requestId("login");
        Optional<AuthorizationRequest> request = signIn.pending(requestId);
        valid = request.isPresent();
        request.ifPresent(r -> signIn.noteLoginId(r.loginId()));
        clientName = request.flatMap(r -> clients.find(r.clientId()))
                .map(Client::name).orElse(null);
    }

    public void signIn() throws IOException {
        Optional<AuthorizationRequest> request = signIn.pending(requestId);
        if (request.isEmpty()) {
            valid = false;
            return;
        }
        Optional<User> user;
        try {
            user = authenticator.authenticate(username, password, request.get().clientId(),
                    DeviceCookies.presented(SignInCompletion.request()), request.get().loginId());
        } catch (HashingBudget.Exhausted busy) {
            password = null;
            busy(busy.retryAfterSeconds());
            return;
        }
        password = null;
        if (user.isEmpty()) {
            FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "The user name or password is incorrect.", null));
            return;
        }
        Client client = clients.find(request.get().clientId()).orElseThrow();
        boolean enrolled = secondFactor.isEnrolled(user.get().id());
        if (enrolled || secondFactor.isRequired(client)) {
            signIn.passwordVerified(requestId, user.get().id());
            signIn.continueAt(enrolled ? "mfa.xhtml" : "enrol.xhtml", requestId);
            return;
        }
        valid = signIn.complete(requestId, user.get(), "pwd");
    }

    /** The hashing budget is spent: the same page, 503 with Retry-After and a message to try again (never a 500). */
    private static void busy(long retryAfterSeconds) {
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.getExternalContext().setResponseStatus(503);
        faces.getExternalContext().setResponseHeader("Retry-After", String.valueOf(retryAfterSeconds));
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN, "The sign-in service is busy. "
                + "Please try again in " + retryAfterSeconds + (retryAfterSeconds == 1 ? " second." : " seconds."),
                null));
    }

    public String getRequestId() {
        return requestId;
    }

    public void setRequestId(String requestId) {
        this.requestId = requestId;
    }

    public boolean isValid() {
        return valid;
    }

    public String getClientName() {
        return clientName;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
