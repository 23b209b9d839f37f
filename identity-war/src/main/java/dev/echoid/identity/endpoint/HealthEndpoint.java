package dev.echoid.identity.endpoint;

import dev.echoid.identity.health.Readiness;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Liveness (the process answers) and readiness: the database answers a query, its schema is migrated to this WAR's
 * newest migration, and the signing keys are loaded. {@code {"status": "UP", "checks": {...}}}, or 503 and
 * {@code DOWN} when any check fails or does not answer within {@link Readiness#BUDGET}; a failure's cause goes to
 * the log, not to the (public) answer.
 */
@Path("health")
public class HealthEndpoint {

    private static final String UP = Readiness.UP;
    private static final String DOWN = Readiness.DOWN;

    private final Readiness readiness;

    public HealthEndpoint(Readiness readiness) {
        this.readiness = readiness;
    }

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> live() {
        return Map.of("status", UP);
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        return answer(readiness.check());
    }

    private static Response answer(Map<String, ?> checks) {
        boolean up = Readiness.allUp(checks);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? UP : DOWN);
        body.put("checks", checks);
        return NoStore.on(Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE))
                .entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
