package dev.echoid.identity.login;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.User;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Backs TOTP enrolment: during sign-in when a second factor is required and the user has none (then the sign-in
 * completes), or from the account page of a signed-in user. The secret is shown on this page only, and stored
 * only once a first code proves the app has it. Between the page and its POST the secret travels in the form (it is
 * on the page anyway), so any node can take the POST.
 */
@Named("enrol")
@RequestScoped
public class EnrolBean {

    private String requestId;
    private UUID userId;
    private byte[] secret;
    private String code;

    /** Before the form is decoded: whose enrolment, and the secret shown (new on a GET, from the form on a POST). */
    @PostConstruct
    void load() {
        IdentityProvider provider = SignInCompletion.provider();
        requestId = SignInCompletion.requestId("enrol");
        if (requestId != null) {
            userId = SignInCompletion.passwordVerifiedUser(requestId).orElse(null);
        } else {
            userId = provider.singleSignOn().current(SignInCompletion.request())
                    .map(current -> current.user().id()).orElse(null);
        }
        String posted = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap()
                .get("enrol:secret");
        secret = posted != null ? Totp.base32Decode(posted) : provider.secondFactor().newSecret();
    }

    public void confirm() throws IOException {
        Optional<User> user = user();
        if (user.isEmpty() || secret == null || secret.length < 16) {
            userId = null;
            return;
        }
        IdentityProvider provider = SignInCompletion.provider();
        boolean confirmed = provider.secondFactor().confirmEnrolment(user.get(), secret, code,
                SignInCompletion.request().getRemoteAddr());
        code = null;
        if (!confirmed) {
            FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "The code is not correct. Check the time on your phone and enter the current code.", null));
            return;
        }
        secret = null;
        if (requestId != null) {
            if (!SignInCompletion.complete(requestId, user.get(), "pwd otp")) {
                userId = null;
            }
        } else {
            FacesContext.getCurrentInstance().getExternalContext().redirect(
                    provider.settings().issuer() + "/account.xhtml?enrolled=true");
        }
    }

    private Optional<User> user() {
        return Optional.ofNullable(userId).flatMap(SignInCompletion.provider().users()::find)
                .filter(User::enabled);
    }

    public boolean isValid() {
        return userId != null && secret != null;
    }

    /** The key URI; the QR code encodes it, and it is shown for copying too. */
    public String getKeyUri() {
        return user().map(u -> SignInCompletion.provider().secondFactor().keyUri(u, secret)).orElse("");
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
}
