package dev.echoid.identity.endpoint;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The public signing keys (JWK Set), each with its {@code kid}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 */
@Path("jwks")
public class JwksEndpoint {

    private final PublicDocuments documents;

    public JwksEndpoint(PublicDocuments documents) {
        this.documents = documents;
    }

    /** Served by {@link PublicDocumentFilter} in the WAR; here for a deployment of the JAX-RS resources alone. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response keys() {
        return DiscoveryEndpoint.answer(documents.jwks());
    }
}
