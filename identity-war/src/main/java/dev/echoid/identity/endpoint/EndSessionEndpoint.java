package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.login.SingleSignOn;
import dev.echoid.identity.login.SingleSignOn.Current;
import dev.echoid.identity.logout.SessionTermination;
import dev.echoid.identity.protocol.AuthorizationResponse;
import dev.echoid.identity.protocol.EndSessionRequest;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.token.IdTokenHints;
import dev.echoid.identity.token.IdTokenHints.Hint;
import dev.echoid.plumbing.AccessLogLine;
import dev.echoid.plumbing.RequestOrigin;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RP-initiated logout: ends the provider's sign-on session, tells the clients it signed in to (back-channel), and
 * returns the browser to a registered {@code post_logout_redirect_uri} with {@code state}. Without an
 * {@code id_token_hint} for the signed-in user, the person is asked to confirm first, so a cross-site link cannot
 * sign anyone out: the confirmation acts only as a POST with a token derived from the session's secret, and not
 * when the browser says another site sent it ({@code Origin}, {@code Sec-Fetch-Site}).
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">OpenID Connect RP-Initiated Logout 1.0</a>
 */
@Path("logout")
public class EndSessionEndpoint {

    private final IdentitySettings settings;
    private final IdTokenHints idTokenHints;
    private final Clients clients;
    private final SingleSignOn singleSignOn;
    private final SessionTermination sessionTermination;

    public EndSessionEndpoint(IdentitySettings settings, IdTokenHints idTokenHints, Clients clients,
            SingleSignOn singleSignOn, SessionTermination sessionTermination) {
        this.settings = settings;
        this.idTokenHints = idTokenHints;
        this.clients = clients;
        this.singleSignOn = singleSignOn;
        this.sessionTermination = sessionTermination;
    }

    @GET
    public Response get(@Context UriInfo uri, @Context HttpServletRequest request,
            @Context HttpServletResponse response) {
        return endSession(uri.getQueryParameters(), false, request, response);
    }

    /** RP-Initiated Logout §2: the OP MUST support GET and POST. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response post(MultivaluedMap<String, String> form, @Context HttpServletRequest request,
            @Context HttpServletResponse response) {
        return endSession(form, true, request, response);
    }

    private Response endSession(MultivaluedMap<String, String> values, boolean post, HttpServletRequest request,
            HttpServletResponse response) {
        EndSessionRequest parsed = EndSessionRequest.parse(values);
        if (parsed.isMalformed()) {
            return invalid(parsed.malformed());
        }
        Optional<String> hintValue = parsed.idTokenHint();
        Optional<String> clientIdValue = parsed.clientId();
        Optional<String> redirectValue = parsed.postLogoutRedirectUri();
        Optional<String> state = parsed.state();
        Optional<Hint> hint = hintValue.flatMap(idTokenHints::read);
        if (hintValue.isPresent() && hint.isEmpty()) {
            return invalid("The id_token_hint was not issued by this provider.");
        }
        if (clientIdValue.isPresent() && hint.isPresent() && !hint.get().audience().contains(clientIdValue.get())) {
            return invalid("The client_id does not match the id_token_hint.");
        }
        Optional<String> clientId = clientIdValue.or(() -> hint.map(h -> h.audience().get(0)));
        Optional<Client> client = clientId.flatMap(clients::find).filter(Client::enabled);
        if (clientId.isPresent() && client.isEmpty()) {
            return invalid("The application (client_id) is not known here.");
        }
        Optional<URI> redirect = Optional.empty();
        if (redirectValue.isPresent()) {
            if (client.isEmpty()) {
                return invalid("A post_logout_redirect_uri needs a client_id or an id_token_hint.");
            }
            // RP-Initiated Logout §3: the value MUST have been registered; compared by exact string match
            redirect = client.get().postLogoutRedirectUris().stream()
                    .filter(registered -> registered.toString().equals(redirectValue.get()))
                    .findFirst();
            if (redirect.isEmpty()) {
                return invalid("The post_logout_redirect_uri is not registered for this application.");
            }
        }

        Optional<Current> current = singleSignOn.current(request);
        boolean hintIsThisUser = hint.isPresent() && current.isPresent()
                && current.get().user().id().toString().equals(hint.get().subject());
        if (current.isPresent() && !hintIsThisUser) {
            if (post && parsed.confirmationSent()
                    && new RequestOrigin(settings.issuer()).isCrossSite(request)) {
                // the confirmation is this site's own form: a browser that says another site sent it is refused (a
                // relying party's cross-site POST without it still gets the confirmation page)
                return HtmlPage.response(403, "This sign-out was sent from another site",
                        "Only the confirmation on this site's own page signs you out. You are still signed in.");
            }
            if (!(post && confirmed(parsed.confirmation(), request))) {
                return confirmationPage(client, values, request);
            }
        }

        singleSignOn.end(request, response).ifPresent(ended -> signedOut(ended, request));
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        if (redirect.isPresent()) {
            Map<String, String> query = new LinkedHashMap<>();
            state.ifPresent(value -> query.put("state", value));
            return NoStore.on(Response.status(Response.Status.FOUND))
                    .location(AuthorizationResponse.withQuery(redirect.get(), query))
                    .build();
        }
        return HtmlPage.response(200, "You are signed out", "You have signed out of EchoID.");
    }

    private void signedOut(Current ended, HttpServletRequest request) {
        List<String> loginIds = sessionTermination.ended(ended.session().id(), ended.user().id(),
                ended.user().username(), request.getRemoteAddr(), "signed out (RP-initiated logout)");
        // the access line names the session's latest sign-in
        loginIds.forEach(loginId -> AccessLogLine.noteLoginId(request, loginId));
    }

    /** @param given the confirmation sent, empty when none (or a repeated one) was */
    private boolean confirmed(String given, HttpServletRequest request) {
        Optional<String> expected = singleSignOn.formToken(request, "logout");
        return expected.isPresent() && MessageDigest.isEqual(
                expected.get().getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    private Response confirmationPage(Optional<Client> client, MultivaluedMap<String, String> values,
            HttpServletRequest request) {
        String token = singleSignOn.formToken(request, "logout").orElseThrow();
        StringBuilder form = new StringBuilder()
                .append("<p>Do you want to sign out of EchoID")
                .append(client.map(c -> " and " + HtmlPage.escape(c.name())).orElse(""))
                .append("?</p><form id=\"logout\" method=\"post\" action=\"")
                .append(HtmlPage.escape(settings.endpoint("logout").toString())).append("\">")
                .append(hidden("confirmation", token));
        for (String name : new String[] {"id_token_hint", "client_id", "post_logout_redirect_uri", "state"}) {
            String value = values.getFirst(name);
            if (value != null) {
                form.append(hidden(name, value));
            }
        }
        form.append("<input type=\"submit\" name=\"confirm\" value=\"Sign out\"></form>");
        return HtmlPage.withBody(200, "Sign out?", form.toString());
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + HtmlPage.escape(name) + "\" value=\"" + HtmlPage.escape(value)
                + "\">";
    }

    private static Response invalid(String message) {
        return HtmlPage.response(400, "This sign-out request is not valid", message);
    }
}
