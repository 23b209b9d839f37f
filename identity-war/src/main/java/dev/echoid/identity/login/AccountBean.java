package dev.echoid.identity.login;

import dev.echoid.identity.login.SingleSignOn.Current;
import dev.echoid.identity.logout.SessionTermination;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/** Backs the account page of a signed-in user: two-step verification, and signing out of every session. */
@Named("account")
@RequestScoped
public class AccountBean {

    @Inject
    SingleSignOn singleSignOn;
    @Inject
    SessionTermination sessionTermination;
    @Inject
    SecondFactor secondFactor;

    private Current current;
    private int endedSessions = -1;

    /** Before the form is decoded: a postback must see the same signed-in state as the page it came from. */
    @PostConstruct
    void load() {
        current = singleSignOn.current(SignInCompletion.request()).orElse(null);
    }

    public void signOutEverywhere() throws IOException {
        if (current == null) {
            return;
        }
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        // every session, this browser's too, each with its back-channel notices; then this browser's cookie goes
        endedSessions = sessionTermination.endAll(current.user().id(), current.user().username(),
                SignInCompletion.request().getRemoteAddr(), "the user signed out everywhere");
        singleSignOn.end(SignInCompletion.request(), (HttpServletResponse) external.getResponse());
        current = null;
    }

    public boolean isSignedIn() {
        return current != null;
    }

    public String getUsername() {
        return Optional.ofNullable(current).map(c -> c.user().username()).orElse("");
    }

    public String getName() {
        return Optional.ofNullable(current).map(c -> c.user().name()).orElse("");
    }

    public boolean isSecondFactorEnrolled() {
        return current != null && secondFactor.isEnrolled(current.user().id());
    }

    public boolean isSignedOutEverywhere() {
        return endedSessions >= 0;
    }
}
