package dev.echoid.identity.endpoint;

import dev.echoid.identity.token.SigningKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The public signing keys (JWK Set), each with its {@code kid}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 */
@Path("jwks")
public class JwksEndpoint {

    private final SigningKeys signingKeys;

    public JwksEndpoint(SigningKeys signingKeys) {
        this.signingKeys = signingKeys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response keys() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(signingKeys.jwks(), MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(cache)
                .build();
    }
}
