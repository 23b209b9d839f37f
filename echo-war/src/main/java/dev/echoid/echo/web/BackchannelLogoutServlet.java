package dev.echoid.echo.web;

import dev.echoid.echo.oidc.LogoutToken;
import dev.echoid.echo.oidc.LogoutTokenException;
import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.RelyingParty;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /backchannel-logout}: the provider reports, server to server, that a user's session ended there. Public
 * (no session, no CSRF token: the signed logout token is the credential); a valid token ends every gateway session of
 * that provider session ({@code sid}) or, without one, of that user ({@code sub}).
 *
 * <p>Statuses: 200 once the matching sessions are ended (none matching is a success too); 400 with an
 * {@code invalid_request} body for a missing or refused logout token; 503 when the provider's keys cannot be fetched
 * to check it, so the provider may retry.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRequest">OpenID Connect Back-Channel
 *         Logout 1.0 §2.5–§2.8</a>
 */
public final class BackchannelLogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(BackchannelLogoutServlet.class.getName());

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        RelyingParty relyingParty = GatewayStartup.relyingParty(getServletContext());
        // §2.5: the logout_token is sent as a form parameter of an application/x-www-form-urlencoded POST.
        String[] values = request.getParameterValues("logout_token");
        if (values == null || values.length != 1 || values[0].isBlank()) {
            LOG.log(System.Logger.Level.WARNING, "Back-channel logout without exactly one logout_token");
            invalid(response, "logout_token is required exactly once.");
            return;
        }
        LogoutToken token;
        try {
            token = relyingParty.verifyLogoutToken(values[0]);
        } catch (LogoutTokenException e) {
            LOG.log(System.Logger.Level.WARNING, "Logout token refused: {0}", e.getMessage());
            // §2.8: if the request failed to validate, the RP MUST respond with 400 Bad Request.
            invalid(response, "The logout token is not valid.");
            return;
        } catch (ProviderException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot check a logout token now: {0}", e.getMessage());
            response.setHeader("Retry-After", "30");
            Responses.json(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Map.of("error",
                    "temporarily_unavailable", "error_description", "The logout token cannot be checked right now."));
            return;
        }
        int ended = SessionRegistry.of(getServletContext()).end(token);
        LOG.log(System.Logger.Level.INFO, "Back-channel logout sub={0} sid={1} ended {2} session(s)",
                token.subject(), token.sessionId(), ended);
        // §2.8: if the logout succeeded, the RP MUST respond with HTTP 200 OK; the response SHOULD be no-store.
        response.setStatus(HttpServletResponse.SC_OK);
        Responses.protectiveHeaders(response);
        response.setContentLength(0);
    }

    private static void invalid(HttpServletResponse response, String description) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", "invalid_request");
        body.put("error_description", description);
        Responses.json(response, HttpServletResponse.SC_BAD_REQUEST, body);
    }
}
