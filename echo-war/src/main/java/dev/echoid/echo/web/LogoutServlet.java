package dev.echoid.echo.web;

import dev.echoid.echo.oidc.EndSessionRequest;
import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.SessionTokens;
import dev.echoid.plumbing.RequestOrigin;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /logout} (the sign-out button of the gateway's pages, with the session's form token): revokes the
 * refresh token at the provider when it advertises a {@code revocation_endpoint} (RFC 7009), ends the gateway's
 * session, then sends the browser to the provider's {@code end_session_endpoint} when advertised (RP-Initiated Logout
 * 1.0), or else shows the signed-out page. Provider failures are logged and never keep the user signed in here.
 *
 * <p>Only that POST ends a session: {@code GET /logout} (a link, perhaps on another site, which SameSite=Lax cookies
 * follow) shows a confirmation page with the button, and a POST without the token, or one the browser says another
 * site sent ({@code Origin}, {@code Sec-Fetch-Site}), is refused with a 403 page.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2">RFC 7009 §2</a>
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout">OpenID Connect RP-Initiated
 *         Logout 1.0 §2</a>
 */
public final class LogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(LogoutServlet.class.getName());
    static final String FORM_TOKEN = "form_token";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (signedInSession(request) == null) {
            SignedOutServlet.page(request, response);
            return;
        }
        RelyingParty relyingParty = GatewayStartup.relyingParty(getServletContext());
        Responses.page(response, HttpServletResponse.SC_OK, "Sign out?",
                "<p class=\"lead\">Do you want to sign out of Echo?</p>\n<div class=\"actions\">"
                        + signOutForm(request, "Sign out") + "<a class=\"button\" href=\""
                        + Html.escape(request.getContextPath() + "/") + "\">Stay signed in</a></div>",
                relyingParty.metadata().endSession());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = signedInSession(request);
        if (session == null) {
            // nobody is signed in here: nothing to end
            SignedOutServlet.page(request, response);
            return;
        }
        RelyingParty relyingParty = GatewayStartup.relyingParty(getServletContext());
        if (new RequestOrigin(relyingParty.settings().redirectUri()).isCrossSite(request)) {
            Responses.failure(request, response, HttpServletResponse.SC_FORBIDDEN, "access_denied",
                    "Sign-out refused", "This sign-out was sent from another site. You are still signed in.");
            return;
        }
        String[] token = request.getParameterValues(FORM_TOKEN);
        if (token == null || token.length != 1 || !SignedInSession.formTokenMatches(session, token[0])) {
            Responses.failure(request, response, HttpServletResponse.SC_FORBIDDEN, "access_denied",
                    "Sign-out refused", "This sign-out form has expired. You are still signed in; use the Sign out "
                            + "button on the gateway's page.");
            return;
        }
        logout(request, response);
    }

    /** The sign-out button: a POST form with the session's token (the session must exist). */
    static String signOutForm(HttpServletRequest request, String label) {
        return "<form id=\"logout\" method=\"post\" action=\""
                + Html.escape(request.getContextPath() + "/logout") + "\">"
                + "<input type=\"hidden\" name=\"" + FORM_TOKEN + "\" value=\""
                + Html.escape(SignedInSession.formToken(request.getSession())) + "\">"
                + "<button type=\"submit\" name=\"logout\">" + Html.escape(label) + "</button></form>";
    }

    /** The session, when someone is signed in to it. */
    private static HttpSession signedInSession(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        try {
            return session != null && SignedInSession.tokens(session).isPresent() ? session : null;
        } catch (IllegalStateException invalidated) {
            return null;
        }
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
