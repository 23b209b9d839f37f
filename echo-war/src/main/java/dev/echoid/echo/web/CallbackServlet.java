package dev.echoid.echo.web;

import dev.echoid.echo.oidc.IdTokenException;
import dev.echoid.echo.oidc.PendingAuthorization;
import dev.echoid.echo.oidc.PendingAuthorizations;
import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.SignedInUser;
import dev.echoid.echo.oidc.TokenEndpointException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /callback}: the redirection endpoint. Checks the state against the sign-ins this session started, then
 * the issuer (RFC 9207), redeems the code with the PKCE verifier, verifies the ID token with its nonce, rotates the
 * session id, keeps the tokens (the refresh token too, server side only), registers the session for back-channel
 * logout and lands the user where they were going.
 *
 * <p>Statuses: a provider error response is 401 when the user did not or could not sign in
 * ({@code access_denied}, {@code login_required}, ...) and 400 otherwise; an unknown state or wrong issuer is 400; a
 * token endpoint error is 502; an unreachable provider is 503; a refused ID token is 401.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthResponse">OpenID Connect Core 1.0
 *         §3.1.2.5–§3.1.3.7</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207">RFC 9207</a>
 */
public final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(CallbackServlet.class.getName());
    private static final Set<String> USER_DID_NOT_SIGN_IN = Set.of("access_denied", "login_required",
            "interaction_required", "consent_required", "account_selection_required");
    private static final int MAX_REFLECTED_LENGTH = 300;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        RelyingParty relyingParty = GatewayStartup.relyingParty(getServletContext());
        Optional<PendingAuthorization> pending = takePending(request, relyingParty);
        String state = request.getParameter("state");

        String iss = request.getParameter("iss");
        if (iss != null && !iss.equals(relyingParty.settings().issuer())) {
            // RFC 9207 §2.4: clients MUST compare the iss parameter with the issuer they sent the request to.
            LOG.log(System.Logger.Level.WARNING, "Callback iss ''{0}'' is not the configured issuer", iss);
            invalidAttempt(request, response);
            return;
        }
        String error = request.getParameter("error");
        if (error != null) {
            GatewayAudit.stateChecked(pending.isPresent(), state, "provider answered error " + error);
            providerError(request, response, error, pending);
            return;
        }
        if (pending.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Callback with a missing, unknown or expired state; no token exchange");
            GatewayAudit.stateChecked(false, state, "missing, unknown or expired state");
            invalidAttempt(request, response);
            return;
        }
        String code = request.getParameter("code");
        if (code == null || code.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Callback without a code");
            invalidAttempt(request, response);
            return;
        }
        try {
            if (iss == null && relyingParty.metadata().authorizationResponseIssParameterSupported()) {
                // RFC 9207 §2.4: a provider that advertises iss support MUST send it; a response without it is refused.
                LOG.log(System.Logger.Level.WARNING, "Callback without iss although the provider promises it");
                invalidAttempt(request, response);
                return;
            }
            GatewayAudit.stateChecked(true, state, null);
            SignedInUser user = relyingParty.completeAuthorization(pending.get(), code);
            GatewayAudit.tokenValidated(user.identity(), state);
            request.setAttribute(AccessLogFilter.LOGIN_ID_ATTRIBUTE, user.identity().loginId());
            signIn(request, user);
            Responses.redirect(response, request.getContextPath() + pending.get().returnTo());
        } catch (TokenEndpointException e) {
            LOG.log(System.Logger.Level.WARNING, "Code exchange refused: {0}", e.getMessage());
            GatewayAudit.tokenRefused(state, "code exchange refused");
            Responses.page(response, HttpServletResponse.SC_BAD_GATEWAY, "Sign-in failed",
                    "<p>The identity provider did not complete the sign-in.</p>" + tryAgain(request));
        } catch (IdTokenException e) {
            LOG.log(System.Logger.Level.WARNING, "ID token refused at callback: {0}", e.getMessage());
            GatewayAudit.tokenRefused(state, "ID token refused: " + e.reason());
            Responses.page(response, HttpServletResponse.SC_UNAUTHORIZED, "Sign-in failed",
                    "<p>The sign-in could not be verified.</p>" + tryAgain(request));
        } catch (ProviderException e) {
            Responses.providerUnavailable(request, response, e);
        }
    }

    private static Optional<PendingAuthorization> takePending(HttpServletRequest request, RelyingParty relyingParty) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        synchronized (session) {
            Object stored = session.getAttribute(PendingAuthorizations.SESSION_ATTRIBUTE);
            if (!(stored instanceof PendingAuthorizations)) {
                return Optional.empty();
            }
            PendingAuthorizations pending = (PendingAuthorizations) stored;
            // RFC 6749 §10.12 / OIDC Core §3.1.2.7: the state MUST match one this session sent; each is single use.
            Optional<PendingAuthorization> match = pending.take(request.getParameter("state"),
                    relyingParty.clock().instant());
            if (pending.size() == 0) {
                session.removeAttribute(PendingAuthorizations.SESSION_ATTRIBUTE);
            } else {
                session.setAttribute(PendingAuthorizations.SESSION_ATTRIBUTE, pending);
            }
            return match;
        }
    }

    private void signIn(HttpServletRequest request, SignedInUser user) {
        SignedInSession.begin(request, user, SessionRegistry.of(getServletContext()));
        LOG.log(System.Logger.Level.INFO, "Signed in sub={0} iss={1}", user.identity().subject(),
                user.identity().issuer());
    }

    private static void providerError(HttpServletRequest request, HttpServletResponse response, String error,
            Optional<PendingAuthorization> pending) throws IOException {
        String description = request.getParameter("error_description");
        LOG.log(System.Logger.Level.INFO, "Provider answered error={0} error_description={1} (state known: {2})",
                error, description, pending.isPresent());
        int status = USER_DID_NOT_SIGN_IN.contains(error)
                ? HttpServletResponse.SC_UNAUTHORIZED : HttpServletResponse.SC_BAD_REQUEST;
        StringBuilder body = new StringBuilder("<p>The identity provider did not sign you in.</p>\n<dl><dt>Error</dt><dd><code>")
                .append(Html.escape(truncate(error))).append("</code></dd>");
        // Only a response to a sign-in this session started may put the provider's words on our page.
        if (pending.isPresent() && description != null) {
            body.append("<dt>Details</dt><dd>").append(Html.escape(truncate(description))).append("</dd>");
        }
        body.append("</dl>\n").append(tryAgain(request, pending.map(PendingAuthorization::returnTo).orElse(ReturnTo.HOME)));
        Responses.page(response, status, "Sign-in did not complete", body.toString());
    }

    private static void invalidAttempt(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.page(response, HttpServletResponse.SC_BAD_REQUEST, "Sign-in failed",
                "<p>This sign-in attempt is not valid or has expired.</p>" + tryAgain(request));
    }

    private static String tryAgain(HttpServletRequest request) {
        return tryAgain(request, ReturnTo.HOME);
    }

    private static String tryAgain(HttpServletRequest request, String returnTo) {
        String href = request.getContextPath() + "/login?return_to="
                + java.net.URLEncoder.encode(returnTo, java.nio.charset.StandardCharsets.UTF_8);
        return "<p><a href=\"" + Html.escape(href) + "\">Try signing in again</a></p>";
    }

    private static String truncate(String value) {
        return value.length() <= MAX_REFLECTED_LENGTH ? value : value.substring(0, MAX_REFLECTED_LENGTH) + "…";
    }
}
