package dev.echoid.echo.web;

import dev.echoid.echo.oidc.SessionTokens;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * {@code GET|POST /logout}: ends the gateway's session. Signing out at the provider as well (OpenID Connect
 * RP-Initiated Logout 1.0, the discovered {@code end_session_endpoint}) is the next step; {@link #providerLogout}
 * is where it goes.
 */
public final class LogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        logout(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        logout(request, response);
    }

    private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        SessionTokens tokens = null;
        if (session != null) {
            Object stored = session.getAttribute(SessionTokens.SESSION_ATTRIBUTE);
            tokens = stored instanceof SessionTokens ? (SessionTokens) stored : null;
            session.invalidate();
        }
        Optional<URI> atProvider = providerLogout(tokens);
        if (atProvider.isPresent()) {
            Responses.redirect(response, atProvider.get().toString());
            return;
        }
        Responses.page(response, HttpServletResponse.SC_OK, "Signed out",
                "<p>You are signed out of Echo.</p>\n<p><a href=\""
                        + Html.escape(request.getContextPath() + "/login") + "\">Sign in again</a></p>");
    }

    /**
     * Where to send the browser to end the provider's session too: none yet. RP-Initiated Logout will build
     * {@code end_session_endpoint?id_token_hint&post_logout_redirect_uri&state} here from the discovered metadata.
     */
    Optional<URI> providerLogout(SessionTokens tokens) {
        return Optional.empty();
    }
}
