package dev.echoid.identity.endpoint;

import dev.echoid.identity.IdentityProvider;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Liveness (the process answers) and readiness (database reachable, signing key loaded). */
@Path("health")
public class HealthEndpoint {

    @Context
    private ServletContext servletContext;

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> live() {
        return Map.of("status", "UP");
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        try {
            IdentityProvider provider = IdentityProvider.from(servletContext);
            provider.signingKeys().signingKey();
            provider.clients().find("");
            return Response.ok(Map.of("status", "UP")).build();
        } catch (RuntimeException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Map.of("status", "DOWN")).build();
        }
    }
}
