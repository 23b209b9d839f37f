package dev.echoid.identity.endpoint;

import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.SigningKeys.KeyInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Signing-key administration for operators, behind the static bearer token {@code IDENTITY_ADMIN_TOKEN}: list the
 * keys, rotate one algorithm's key. Without the setting these paths answer 404, as if they did not exist.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a> for the 401 challenge
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys">OIDC Core §10.1.1</a>
 */
@Path("admin/keys")
public class AdminEndpoint {

    private static final Logger LOG = System.getLogger(AdminEndpoint.class.getName());

    private final AdminAccess adminAccess;
    private final SigningKeys signingKeys;

    public AdminEndpoint(AdminAccess adminAccess, SigningKeys signingKeys) {
        this.adminAccess = adminAccess;
        this.signingKeys = signingKeys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServletRequest request) {
        Response refused = refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        return NoStore.on(Response.ok(Map.of("keys", signingKeys.keys().stream()
                .map(AdminEndpoint::describe).toList()), MediaType.APPLICATION_JSON_TYPE)).build();
    }

    @POST
    @Path("rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri,
            @Context HttpServletRequest request) {
        Response refused = refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        SigningKeys keys = this.signingKeys;
        String algorithm = Parameters.of(uri.getQueryParameters()).required("alg");
        if (!keys.supportedAlgorithms().contains(algorithm)) {
            throw OAuthException.invalidRequest("alg must be one of " + String.join(", ", keys.supportedAlgorithms()));
        }
        LOG.log(Level.INFO, "Signing key rotation for {0} requested by {1}", algorithm, request.getRemoteAddr());
        SigningKeys.Rotation rotation = keys.rotate(algorithm);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kid", rotation.key().kid());
        body.put("alg", rotation.key().algorithm());
        body.put("not_before", rotation.key().notBefore().toString());
        body.put("status", status(rotation.key()));
        // 200, not 201, when the upcoming key already existed: nothing was created
        Response.Status status = rotation.added() ? Response.Status.CREATED : Response.Status.OK;
        return NoStore.on(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)).build();
    }

    private Response refusal(String authorization, HttpServletRequest request) {
        return adminAccess.refusal(authorization, request);
    }

    private static Map<String, Object> describe(KeyInfo key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kid", key.kid());
        json.put("alg", key.algorithm());
        json.put("status", status(key));
        json.put("created_at", key.createdAt().toString());
        json.put("not_before", key.notBefore().toString());
        if (key.retiresAt() != null) {
            json.put("retires_at", key.retiresAt().toString());
        }
        return json;
    }

    private static String status(KeyInfo key) {
        return key.status().name().toLowerCase(Locale.ROOT);
    }
}
