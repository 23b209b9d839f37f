package dev.echoid.identity;

import dev.echoid.identity.login.AuthorizationCompletion;
import dev.echoid.identity.login.Authenticator;
import dev.echoid.identity.login.ConsentPrompt;
import dev.echoid.identity.login.FormTokens;
import dev.echoid.identity.login.SecondFactor;
import dev.echoid.identity.login.SignInCompletion;
import dev.echoid.identity.login.SingleSignOn;
import dev.echoid.identity.logout.SessionTermination;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;

/**
 * The one place the Faces beans get their collaborators from: the services the provider built at start-up
 * ({@link Bootstrap}), found once in the web application's context. Nothing else looks the provider up.
 */
@ApplicationScoped
public class FacesServices {

    private IdentityProvider provider;

    @Inject
    void started(ServletContext context) {
        Object started = context.getAttribute(IdentityProvider.ATTRIBUTE);
        if (started == null) {
            throw new IllegalStateException("The identity provider did not start; see the log");
        }
        provider = (IdentityProvider) started;
    }

    @Produces
    SignInCompletion signInCompletion() {
        return provider.signInCompletion();
    }

    @Produces
    FormTokens formTokens() {
        return provider.formTokens();
    }

    @Produces
    Authenticator authenticator() {
        return provider.authenticator();
    }

    @Produces
    SecondFactor secondFactor() {
        return provider.secondFactor();
    }

    @Produces
    SingleSignOn singleSignOn() {
        return provider.singleSignOn();
    }

    @Produces
    ConsentPrompt consentPrompt() {
        return provider.consentPrompt();
    }

    @Produces
    SessionTermination sessionTermination() {
        return provider.sessionTermination();
    }

    @Produces
    AuthorizationCompletion authorizationCompletion() {
        return provider.authorizationCompletion();
    }

    @Produces
    Clients clients() {
        return provider.clients();
    }

    @Produces
    Users users() {
        return provider.users();
    }

}
