package dev.echoid.identity.login;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/** Backs the second step of sign-in: the code from the authenticator app. */
@Named("mfa")
@RequestScoped
public class MfaBean {

    @Inject
    SignInCompletion signIn;
    @Inject
    SecondFactor secondFactor;
    @Inject
    Users users;

    private String requestId;
    private boolean valid;
    private String code;

    /** Before the form is decoded: the pending request, and whose password step passed for it. */
    @PostConstruct
    void load() {
        requestId = SignInCompletion.requestId("mfa");
        valid = user().isPresent();
    }

    public void verify() throws IOException {
        Optional<User> user = user();
        Optional<AuthorizationRequest> request = signIn.pending(requestId);
        if (user.isEmpty() || request.isEmpty()) {
            valid = false;
            return;
        }
        signIn.noteLoginId(request.get().loginId());
        boolean passed = secondFactor.verify(user.get(), code, request.get().clientId(),
                SignInCompletion.request().getRemoteAddr(), request.get().loginId());
        code = null;
        if (!passed) {
            FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "The code is not correct. Enter the current code from your authenticator app.", null));
            return;
        }
        valid = signIn.complete(requestId, user.get(), "pwd otp");
    }

    /** The user whose password step passed for this request in this browser. */
    private Optional<User> user() {
        Optional<UUID> userId = signIn.passwordVerifiedUser(requestId);
        return userId.flatMap(users::find).filter(User::enabled);
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

    public String getCode() {
        return code;
    }

    public void setCode(String code) {
        this.code = code;
    }
}
