package dev.echoid.identity.endpoint;

import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.grant.GrantHandler;
import dev.echoid.identity.grant.GrantHandlers;
import dev.echoid.identity.grant.TokenRequest;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.Client;
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
 * The token endpoint: authenticates the client, then hands the request to the handler of its grant type.
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
        Parameters params = Parameters.of(form).withoutControlCharacters();
        String remote = request.getRemoteAddr();
        Client client = clientAuthenticator.authenticate(authorization, params, remote);
        String grantType = params.required("grant_type");
        GrantHandler handler = grantHandlers.forType(grantType);
        // RFC 6749 §5.2: unauthorized_client when the client may not use this grant type
        if (!client.allows(grantType)) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "The client may not use this grant type");
        }
        Map<String, Object> body = handler.handle(new TokenRequest(grantType, params, client, remote));
        return NoStore.on(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
}
