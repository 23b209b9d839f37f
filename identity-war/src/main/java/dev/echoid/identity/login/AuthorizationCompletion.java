package dev.echoid.identity.login;

import dev.echoid.identity.grant.AuthorizationCodeGrant;
import dev.echoid.identity.login.SingleSignOn.Current;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.AuthorizationResponse;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.User;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;

/**
 * The one way an authorization request ends once the person is known, whether by the browser's sign-on session
 * ({@code AuthorizeEndpoint}) or by a sign-in on the Faces pages: the consent page when consent must be asked,
 * otherwise the code issued and the client's redirect URI with it; or the error, to the proven redirect URI. Each
 * answer is the address the browser goes to next; the caller only renders the redirect.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2">RFC 6749 §4.1.2</a>
 */
public final class AuthorizationCompletion {

    private final ConsentPrompt consentPrompt;
    private final SingleSignOn singleSignOn;
    private final AuthorizationCodeGrant codeGrant;
    private final URI issuer;

    public AuthorizationCompletion(ConsentPrompt consentPrompt, SingleSignOn singleSignOn,
            AuthorizationCodeGrant codeGrant, URI issuer) {
        this.consentPrompt = consentPrompt;
        this.singleSignOn = singleSignOn;
        this.codeGrant = codeGrant;
        this.issuer = issuer;
    }

    /** Single sign-on: the browser's session stands for the user, no password asked; the session is touched. */
    public URI signedOnBySession(AuthorizationRequest authorization, Client client, Current current,
            HttpServletRequest http, HttpServletResponse response) {
        if (consentPrompt.isRequired(authorization, client)) {
            if (authorization.prompts("none")) {
                // OIDC Core §3.1.2.6: consent is needed and prompt=none forbids asking for it
                throw new OAuthException(OAuthError.CONSENT_REQUIRED,
                        "The user's consent is needed for offline_access; ask with prompt=consent");
            }
            return consentPage(consentPrompt.await(authorization, current.session().id(), http, response));
        }
        singleSignOn.touch(current.session());
        return issue(authorization, current.user(), current.session(), http.getRemoteAddr());
    }

    /** The person has just signed in on the pages and {@code session} is their new sign-on session. */
    public URI signedIn(AuthorizationRequest authorization, Client client, User user, SsoSession session,
            HttpServletRequest http, HttpServletResponse response) {
        if (consentPrompt.isRequired(authorization, client)) {
            // OIDC Core §11 / prompt=consent: the person answers the consent page before any code is issued
            return consentPage(consentPrompt.await(authorization, session.id(), http, response));
        }
        return issue(authorization, user, session, http.getRemoteAddr());
    }

    /** The person allowed what the client asked on the consent page. */
    public URI consented(AuthorizationRequest authorization, Current current, String remoteAddress) {
        consentPrompt.allowed(authorization, current.user(), remoteAddress);
        singleSignOn.touch(current.session());
        return issue(authorization, current.user(), current.session(), remoteAddress);
    }

    /** The person denied it: OIDC Core §3.1.2.6 / RFC 6749 §4.1.2.1 {@code access_denied}. */
    public URI denied(AuthorizationRequest authorization, Current current, String remoteAddress) {
        consentPrompt.denied(authorization, current.user(), remoteAddress);
        return error(authorization.redirectUri(), new OAuthException(OAuthError.ACCESS_DENIED,
                "The user denied the request"), authorization.state());
    }

    /** An error for a client whose redirect URI is proven (RFC 6749 §4.1.2.1), with {@code state} and {@code iss}. */
    public URI error(URI redirectUri, OAuthException error, String state) {
        return AuthorizationResponse.error(redirectUri, error, state, issuer);
    }

    private URI issue(AuthorizationRequest authorization, User user, SsoSession session, String remoteAddress) {
        String code = codeGrant.issue(authorization, user, session.authTime(), session.id(), remoteAddress);
        return AuthorizationResponse.success(authorization.redirectUri(), code, authorization.state(), issuer);
    }

    private URI consentPage(String requestId) {
        return URI.create(issuer + "/consent.xhtml?request=" + requestId);
    }
}
