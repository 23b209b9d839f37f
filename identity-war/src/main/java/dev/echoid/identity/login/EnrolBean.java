package dev.echoid.identity.login;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Backs TOTP enrolment: during sign-in when a second factor is required and the user has none (then the sign-in
 * completes; a user who has one is refused and the attempt audited), or from the account page of a signed-in user
 * (replacing an authenticator needs a current code of it). The secret is shown on this page only, and stored
 * only once a first code proves the app has it. Between the page and its POST the secret travels in the form (it is
 * on the page anyway), so any node can take the POST.
 */
@Named("enrol")
@RequestScoped
public class EnrolBean {

    @Inject
    SignInCompletion signIn;
    @Inject
    SecondFactor secondFactor;
    @Inject
    SingleSignOn singleSignOn;
    @Inject
    Users users;

    private String requestId;
    private UUID userId;
    private byte[] secret;
    private String code;
    private String currentCode;
    private boolean replacing;
    private boolean alreadyEnrolled;

    /** Before the form is decoded: whose enrolment, and the secret shown (new on a GET, from the form on a POST). */
    @PostConstruct
    void load() {
        requestId = SignInCompletion.requestId("enrol");
        if (requestId != null) {
            userId = signIn.passwordVerifiedUser(requestId).orElse(null);
            // during sign-in only a user without a second factor enrols: the password alone must not replace one
            Optional<User> user = user();
            Optional<AuthorizationRequest> request = signIn.pending(requestId);
            if (user.isPresent() && request.isPresent() && !secondFactor.mayEnrolDuringSignIn(user.get(),
                    request.get().clientId(), SignInCompletion.request().getRemoteAddr(), request.get().loginId())) {
                signIn.noteLoginId(request.get().loginId());
                userId = null;
                alreadyEnrolled = true;
                return;
            }
        } else {
            userId = singleSignOn.current(SignInCompletion.request())
                    .map(current -> current.user().id()).orElse(null);
            replacing = userId != null && secondFactor.isEnrolled(userId);
        }
        String posted = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap()
                .get("enrol:secret");
        secret = posted != null ? Totp.base32Decode(posted) : secondFactor.newSecret();
    }

    public void confirm() throws IOException {
        Optional<User> user = user();
        if (user.isEmpty() || secret == null || secret.length < 16) {
            userId = null;
            return;
        }
        String remote = SignInCompletion.request().getRemoteAddr();
        SecondFactor.Enrolment result;
        if (requestId != null) {
            Optional<AuthorizationRequest> request = signIn.pending(requestId);
            request.ifPresent(r -> signIn.noteLoginId(r.loginId()));
            result = secondFactor.confirmEnrolment(user.get(), secret, code, remote,
                    request.map(AuthorizationRequest::clientId).orElse(null),
                    request.map(AuthorizationRequest::loginId).orElse(null));
        } else if (replacing) {
            result = secondFactor.replaceEnrolment(user.get(), currentCode, secret, code, remote);
        } else {
            result = secondFactor.confirmEnrolment(user.get(), secret, code, remote, null, null);
        }
        code = null;
        currentCode = null;
        switch (result) {
            case WRONG_CODE -> error("The code is not correct. Check the time on your phone and enter the current "
                    + "code.");
            case WRONG_CURRENT_CODE -> error("The code from your current authenticator app is not correct. Enter "
                    + "the code it shows now.");
            case ALREADY_ENROLLED -> {
                userId = null;
                alreadyEnrolled = true;
            }
            case ENROLLED -> enrolled(user.get());
        }
    }

    private void enrolled(User user) throws IOException {
        secret = null;
        if (requestId != null) {
            if (!signIn.complete(requestId, user, "pwd otp")) {
                userId = null;
            }
        } else {
            signIn.goTo("account.xhtml?enrolled=true");
        }
    }

    private static void error(String message) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, message,
                null));
    }

    private Optional<User> user() {
        return Optional.ofNullable(userId).flatMap(users::find)
                .filter(User::enabled);
    }

    public boolean isValid() {
        return userId != null && secret != null;
    }

    /** From the account page, for a user who has an authenticator: a current code of it is asked too. */
    public boolean isReplacing() {
        return replacing;
    }

    /** The user has a second factor already, so this page sets up none (during sign-in: the code is asked). */
    public boolean isAlreadyEnrolled() {
        return alreadyEnrolled;
    }

    /** The key URI; the QR code encodes it, and it is shown for copying too. */
    public String getKeyUri() {
        return user().map(u -> secondFactor.keyUri(u, secret)).orElse("");
    }

    /** Built from bits by {@link QrCode}: safe to write unescaped. */
    public String getQrSvg() {
        return isValid() ? QrCode.svg(getKeyUri()) : "";
    }

    /** The secret in base32, grouped by four for typing by hand. */
    public String getSecretText() {
        return secret == null ? "" : Totp.base32(secret).replaceAll("(.{4})(?!$)", "$1 ");
    }

    /** The secret for the form's hidden field. */
    public String getSecretField() {
        return secret == null ? "" : Totp.base32(secret);
    }

    public String getRequestId() {
        return requestId;
    }

    public String getCode() {
        return code;
    }

    public void setCode(String code) {
        this.code = code;
    }

    public String getCurrentCode() {
        return currentCode;
    }

    public void setCurrentCode(String currentCode) {
        this.currentCode = currentCode;
    }
}
