package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.login.AuthorizationCompletion;
import dev.echoid.identity.login.ConsentPrompt;
import dev.echoid.identity.login.PendingAuthorizations;
import dev.echoid.identity.login.SecondFactor;
import dev.echoid.identity.login.SingleSignOn;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.AuthorizationRequest.TrustedRedirect;
import dev.echoid.identity.protocol.AuthorizationRequest.UntrustedRequestException;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.StoreException;
import dev.echoid.plumbing.AccessLogLine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import dev.echoid.identity.login.SingleSignOn.Current;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The authorization endpoint: checks the request, keeps it while the person signs in, and sends the browser to the
 * login page.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.1">RFC 6749 §3.1</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthorizationEndpoint">OIDC Core §3.1.2</a>
 */
@Path("authorize")
public class AuthorizeEndpoint {

    private final IdentitySettings settings;
    private final Clients clients;
    private final ConsentPrompt consentPrompt;
    private final SecondFactor secondFactor;
    private final SingleSignOn singleSignOn;
    private final PendingAuthorizations pendingAuthorizations;
    private final AuthorizationCompletion completion;
    private final AuditLog audit;
    private final Clock clock;

    public AuthorizeEndpoint(IdentitySettings settings, Clients clients, ConsentPrompt consentPrompt,
            SecondFactor secondFactor, SingleSignOn singleSignOn, PendingAuthorizations pendingAuthorizations,
            AuthorizationCompletion completion, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.clients = clients;
        this.consentPrompt = consentPrompt;
        this.secondFactor = secondFactor;
        this.singleSignOn = singleSignOn;
        this.pendingAuthorizations = pendingAuthorizations;
        this.completion = completion;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    public Response get(@Context UriInfo uri, @Context HttpServletRequest request,
            @Context HttpServletResponse response) {
        return authorize(uri.getQueryParameters(), request, response);
    }

    /** OIDC Core §3.1.2.1: "Authorization Servers MUST support the use of the HTTP GET and POST methods". */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response post(MultivaluedMap<String, String> form, @Context HttpServletRequest request,
            @Context HttpServletResponse response) {
        return authorize(form, request, response);
    }

    private Response authorize(MultivaluedMap<String, String> values, HttpServletRequest request,
            HttpServletResponse response) {
        Parameters params = Parameters.of(values);
        TrustedRedirect trusted;
        try {
            trusted = AuthorizationRequest.trustedRedirect(params, clients::find);
        } catch (UntrustedRequestException e) {
            return HtmlPage.response(400, "This sign-in request is not valid", e.getMessage()
                    + " Go back to the application and try again; if this persists, its configuration is wrong.");
        } catch (StoreException e) {
            if (!e.isUnavailable()) {
                throw e;
            }
            // the client and its redirect URI are not proven: a page, never a redirect (RFC 6749 §4.1.2.1)
            return UnexpectedExceptionMapper.unavailable(e, true);
        }
        String state = stateOf(params);
        URI issuer = settings.issuer();
        try {
            // accepted: the sign-in it starts gets its login id (128 random bits)
            AuthorizationRequest asked = AuthorizationRequest.parse(params, trusted)
                    .withLoginId(RandomTokens.base64Url(16));
            // OIDC Core §11: offline_access without prompt=consent is ignored for a third-party client
            AuthorizationRequest authorization = consentPrompt.screen(asked, trusted.client());
            AccessLogLine.noteLoginId(request, authorization.loginId());
            audit.record(AuditEvent.success(AuditEvent.Type.AUTHORIZATION_REQUESTED, trusted.client()
                    .clientId(), null, null, request.getRemoteAddr(), asked == authorization ? null
                    : "offline_access ignored: no prompt=consent (OIDC Core §11)")
                    .withLoginId(authorization.loginId()));
            boolean secondFactorRequired = secondFactor.isRequired(trusted.client());
            Optional<Current> signedIn = singleSignOn.current(request)
                    .filter(current -> !mustAuthenticateAgain(authorization, current, clock.instant()))
                    // a client that requires a second factor: a password-only session is not enough
                    .filter(current -> !secondFactorRequired || current.session().usedSecondFactor());
            if (signedIn.isPresent()) {
                // single sign-on: the browser's session stands for the user, no password asked
                return NoStore.on(Response.status(Response.Status.FOUND))
                        .location(completion.signedOnBySession(authorization, trusted.client(), signedIn.get(),
                                request, response))
                        .build();
            }
            if ("none".equals(authorization.prompt())) {
                // OIDC Core §3.1.2.1: with prompt=none the server MUST NOT display a login page
                throw new OAuthException(OAuthError.LOGIN_REQUIRED, "The user is not signed in");
            }
            String id = pendingAuthorizations.add(authorization, request, response);
            return NoStore.on(Response.status(Response.Status.FOUND))
                    .location(URI.create(issuer + "/login.xhtml?request=" + id))
                    .build();
        } catch (OAuthException e) {
            return Response.status(Response.Status.FOUND)
                    .location(completion.error(trusted.redirectUri(), e, state))
                    .build();
        } catch (StoreException e) {
            if (!e.isUnavailable()) {
                throw e;
            }
            // RFC 6749 §4.1.2.1: temporarily_unavailable, "the authorization server is currently unable to handle
            // the request due to a temporary overloading or maintenance"; told to the proven client
            OAuthException unavailable = new OAuthException(OAuthError.TEMPORARILY_UNAVAILABLE,
                    "The authorization server cannot reach its database; try again later");
            return Response.status(Response.Status.FOUND)
                    .location(completion.error(trusted.redirectUri(), unavailable, state))
                    .header(HttpHeaders.RETRY_AFTER, StoreException.RETRY_AFTER_SECONDS)
                    .build();
        }
    }

    /**
     * OIDC Core §3.1.2.1: {@code prompt=login} asks to authenticate again; {@code max_age} when the last
     * authentication is older than that many seconds.
     */
    private static boolean mustAuthenticateAgain(AuthorizationRequest authorization, Current current,
            Instant now) {
        if (authorization.prompt() != null && authorization.prompt().contains("login")) {
            return true;
        }
        return authorization.maxAge() != null && current.session().authTime()
                .plusSeconds(authorization.maxAge()).isBefore(now);
    }

    /** The state to return with an error: none when it was refused itself (repeated, control character, too long). */
    private static String stateOf(Parameters params) {
        try {
            return params.optional("state").filter(state -> state.length() <= AuthorizationRequest.MAX_VALUE_LENGTH)
                    .orElse(null);
        } catch (OAuthException refused) {
            return null;
        }
    }
}
