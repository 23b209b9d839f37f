package dev.echoid.identity.endpoint;

import dev.echoid.identity.IdentityProvider;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Liveness (the process answers) and readiness: the database answers a query, its schema is migrated to this WAR's
 * newest migration, and the signing keys are loaded. {@code {"status": "UP", "checks": {...}}}, or 503 and
 * {@code DOWN} when any check fails; a failure's cause goes to the log, not to the (public) answer.
 */
@Path("health")
public class HealthEndpoint {

    private static final Logger LOG = System.getLogger(HealthEndpoint.class.getName());
    private static final String UP = "UP";
    private static final String DOWN = "DOWN";

    @Context
    private ServletContext servletContext;

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
        IdentityProvider provider;
        try {
            provider = IdentityProvider.from(servletContext);
        } catch (IllegalStateException notStarted) {
            return answer(Map.of("provider", Map.of("status", DOWN)));
        }
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", check("database", () -> {
            provider.databaseStatus().ping();
            return Map.of();
        }));
        checks.put("migrations", check("migrations", () -> {
            Optional<String> version = provider.databaseStatus().schemaVersion();
            String newest = provider.database().newestMigration();
            if (!provider.database().isMigrated(version.orElse(null))) {
                throw new IllegalStateException("schema version " + version.orElse("none") + ", expected "
                        + newest);
            }
            return Map.of("schema_version", version.orElseThrow());
        }));
        checks.put("signing_keys", check("signing_keys", () -> {
            Map<String, Object> kids = new LinkedHashMap<>();
            for (String algorithm : provider.signingKeys().supportedAlgorithms()) {
                kids.put(algorithm, provider.signingKeys().signingKey(algorithm).kid());
            }
            return Map.of("signing", kids);
        }));
        return answer(checks);
    }

    private interface Check {
        Map<String, Object> run();
    }

    private static Map<String, Object> check(String name, Check check) {
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            Map<String, Object> detail = check.run();
            result.put("status", UP);
            result.putAll(detail);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Readiness check " + name + " failed: " + e);
            result.put("status", DOWN);
        }
        return result;
    }

    private static Response answer(Map<String, ?> checks) {
        boolean up = checks.values().stream().allMatch(c -> c instanceof Map<?, ?> m && UP.equals(m.get("status")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? UP : DOWN);
        body.put("checks", checks);
        return Endpoints.noStore(Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE))
                .entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
