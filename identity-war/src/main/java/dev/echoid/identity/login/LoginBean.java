package dev.echoid.identity.login;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.AuthorizationResponse;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.User;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import jakarta.servlet.ServletContext;
import dev.echoid.identity.store.SsoSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.Optional;

/**
 * Backs the login page: authenticates the person and resumes the pending authorization request. It never builds
 * an OAuth response itself; {@link AuthorizationResponse} does.
 */
@Named("login")
@ViewScoped
public class LoginBean implements Serializable {

    private static final long serialVersionUID = 1L;

    private String requestId;
    private String clientName;
    private boolean valid;
    private String username;
    private transient String password;

    /** Runs on the page's GET: is there a pending request for this id in this browser's session? */
    public void load() {
        Optional<AuthorizationRequest> request = pending().find(requestId);
        valid = request.isPresent();
        clientName = request.flatMap(r -> provider().clients().find(r.clientId())).map(Client::name).orElse(null);
    }

    public void signIn() throws IOException {
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext external = faces.getExternalContext();
        HttpServletRequest http = (HttpServletRequest) external.getRequest();
        IdentityProvider provider = provider();
        Optional<AuthorizationRequest> request = pending().find(requestId);
        if (request.isEmpty()) {
            valid = false;
            return;
        }
        Optional<User> user = provider.authenticator().authenticate(username, password, request.get().clientId(),
                http.getRemoteAddr(), request.get().loginId());
        password = null;
        if (user.isEmpty()) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "The user name or password is incorrect.", null));
            return;
        }
        Optional<AuthorizationRequest> taken = pending().take(requestId);
        if (taken.isEmpty()) {
            valid = false;
            return;
        }
        // session fixation: a new session id once the person is authenticated
        http.changeSessionId();
        SsoSession session = provider.singleSignOn().signedIn(user.get(), taken.get().loginId(), http,
                (HttpServletResponse) external.getResponse());
        AuthorizationRequest authorization = taken.get();
        String code = provider.codeGrant().issue(authorization, user.get(), session.authTime(), session.id(),
                http.getRemoteAddr());
        URI redirect = AuthorizationResponse.success(authorization.redirectUri(), code, authorization.state(),
                provider.settings().issuer());
        external.redirect(redirect.toString());
    }

    private PendingAuthorizations pending() {
        HttpServletRequest http = (HttpServletRequest) FacesContext.getCurrentInstance().getExternalContext()
                .getRequest();
        return PendingAuthorizations.of(http.getSession());
    }

    private static IdentityProvider provider() {
        return IdentityProvider.from((ServletContext) FacesContext.getCurrentInstance().getExternalContext()
                .getContext());
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
