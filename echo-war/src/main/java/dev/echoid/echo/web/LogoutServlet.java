package dev.echoid.echo.web;

import dev.echoid.echo.oidc.EndSessionRequest;
import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.SessionTokens;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /logout} (the start page's button; {@code GET} is accepted too): revokes the refresh token at the
 * provider when it advertises a {@code revocation_endpoint} (RFC 7009), ends the gateway's session, then sends the
 * browser to the provider's {@code end_session_endpoint} when advertised (RP-Initiated Logout 1.0), or else shows the
 * signed-out page. Provider failures are logged and never keep the user signed in here.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2">RFC 7009 §2</a>
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout">OpenID Connect RP-Initiated
 *         Logout 1.0 §2</a>
 */
public final class LogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(LogoutServlet.class.getName());

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        logout(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        logout(request, response);
    }

    private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
        RelyingParty relyingParty = GatewayStartup.relyingParty(getServletContext());
        Optional<SessionTokens> tokens = SignedInSession.end(request);
        if (tokens.isEmpty()) {
            // Nobody was signed in here: there is no ID token to name the provider's session with.
            SignedOutServlet.page(request, response);
            return;
        }
        GatewayAudit.loggedOut(tokens.get().idToken());
        request.setAttribute(AccessLogFilter.LOGIN_ID_ATTRIBUTE, GatewayAudit.loginIdOf(tokens.get().idToken()));
        revoke(relyingParty, tokens.get());
        Optional<EndSessionRequest> atProvider = providerLogout(request, relyingParty, tokens.get());
        if (atProvider.isPresent()) {
            Responses.redirect(response, atProvider.get().toUri().toString());
            return;
        }
        SignedOutServlet.page(request, response);
    }

    private static void revoke(RelyingParty relyingParty, SessionTokens tokens) {
        if (tokens.refreshToken() == null) {
            return;
        }
        try {
            if (!relyingParty.revokeRefreshToken(tokens.refreshToken())) {
                LOG.log(System.Logger.Level.DEBUG, "The provider advertises no revocation_endpoint; nothing revoked");
            }
        } catch (ProviderException e) {
            LOG.log(System.Logger.Level.WARNING, "Refresh token revocation failed (signing out anyway): {0}",
                    e.getMessage());
        }
    }

    private static Optional<EndSessionRequest> providerLogout(HttpServletRequest request, RelyingParty relyingParty,
            SessionTokens tokens) {
        try {
            return relyingParty.endSession(tokens.idToken(),
                    relyingParty.settings().postLogoutRedirectUri(request.getContextPath()));
        } catch (ProviderException e) {
            LOG.log(System.Logger.Level.WARNING, "Provider unavailable; signed out of the gateway only: {0}",
                    e.getMessage());
            return Optional.empty();
        }
    }
}
