package dev.echoid.identity.endpoint;

import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.grant.GrantHandlers;
import dev.echoid.identity.grant.TokenRequester;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.protocol.TokenRequest;
import dev.echoid.identity.store.Client;
import dev.echoid.plumbing.AccessLogLine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The token endpoint: parses the request, authenticates the client, then hands the grant to the handler of its
 * grant type.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 */
@Path("token")
public class TokenEndpoint {

    private final ClientAuthenticator clientAuthenticator;
    private final GrantHandlers grantHandlers;
    private final Metrics metrics;

    public TokenEndpoint(ClientAuthenticator clientAuthenticator, GrantHandlers grantHandlers, Metrics metrics) {
        this.clientAuthenticator = clientAuthenticator;
        this.grantHandlers = grantHandlers;
        this.metrics = metrics;
    }

    /** RFC 6749 §3.2: "The client MUST use the HTTP POST method when making access token requests." */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServletRequest request) {
        Metrics.TokenRequestTimer timer = metrics.tokenRequest();
        String outcome = "error";
        try {
            Response response = answer(form, authorization, request);
            outcome = "success";
            return response;
        } finally {
            timer.stop(outcome);
        }
    }

    private Response answer(MultivaluedMap<String, String> form, String authorization,
            HttpServletRequest request) {
        TokenRequest parsed = TokenRequest.parse(form, authorization);
        String remote = request.getRemoteAddr();
        Client client = clientAuthenticator.authenticate(parsed.clientAuthentication(), remote);
        Map<String, Object> body = grantHandlers.handle(parsed.grant(), client,
                new TokenRequester(remote, loginId -> AccessLogLine.noteLoginId(request, loginId)));
        return NoStore.on(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
}
