package dev.echoid.echo.web;

import dev.echoid.echo.oidc.AuthorizationRequest;
import dev.echoid.echo.oidc.PendingAuthorizations;
import dev.echoid.echo.oidc.ProviderException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * {@code GET /login}: starts the authorization code flow with PKCE and sends the browser to the provider. The state,
 * nonce, verifier and return path stay in the HTTP session, keyed by state so several tabs may sign in at once.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest">OpenID Connect Core 1.0
 *         §3.1.2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4">RFC 7636 §4</a>
 */
public final class LoginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String returnTo = ReturnTo.sanitize(request.getParameter("return_to"));
        AuthorizationRequest authorization;
        try {
            authorization = GatewayStartup.relyingParty(getServletContext()).startAuthorization(returnTo);
        } catch (ProviderException e) {
            Responses.providerUnavailable(request, response, e);
            return;
        }
        HttpSession session = request.getSession(true);
        synchronized (session) {
            Object stored = session.getAttribute(PendingAuthorizations.SESSION_ATTRIBUTE);
            PendingAuthorizations pending = stored instanceof PendingAuthorizations
                    ? (PendingAuthorizations) stored : new PendingAuthorizations();
            pending.add(authorization.pending());
            // Set again even when unchanged in identity, so replicated sessions see the new entry.
            session.setAttribute(PendingAuthorizations.SESSION_ATTRIBUTE, pending);
        }
        GatewayAudit.redirectSent(authorization.pending().state());
        Responses.redirect(response, authorization.toUri().toString());
    }
}
