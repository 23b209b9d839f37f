package dev.echoid.identity.endpoint;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.protocol.TokenRequest;
import dev.echoid.identity.store.Client;
import jakarta.servlet.ServletContext;
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

    @Context
    private ServletContext servletContext;
    @Context
    private HttpServletRequest request;

    /** RFC 6749 §3.2: "The client MUST use the HTTP POST method when making access token requests." */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        IdentityProvider provider = IdentityProvider.from(servletContext);
        Metrics.TokenRequestTimer timer = provider.metrics().tokenRequest();
        String outcome = "error";
        try {
            Response response = answer(provider, form, authorization);
            outcome = "success";
            return response;
        } finally {
            timer.stop(outcome);
        }
    }

    private Response answer(IdentityProvider provider, MultivaluedMap<String, String> form, String authorization) {
        TokenRequest parsed = TokenRequest.parse(form, authorization);
        String remote = request.getRemoteAddr();
        Client client = provider.clientAuthenticator().authenticate(parsed.clientAuthentication(), remote);
        Map<String, Object> body = provider.grantHandlers().handle(parsed.grant(), client, remote);
        return Endpoints.noStore(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
}
