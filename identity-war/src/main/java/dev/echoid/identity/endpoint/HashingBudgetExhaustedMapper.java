package dev.echoid.identity.endpoint;

import dev.echoid.identity.security.HashingBudget;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client secret check refused because the password-hashing budget is spent (a legacy Argon2id secret during a
 * flood): 503 with {@code Retry-After} and {@code {"error":"temporarily_unavailable"}}. RFC 6749 §5.2 has no such
 * code for the token endpoint (§4.1.2.1 defines it for the authorization endpoint); a client that does not know it
 * still sees a 5xx to retry, as Keycloak and others answer under load (RFC 9110 §15.6.4: Retry-After with 503).
 */
@Provider
public class HashingBudgetExhaustedMapper implements ExceptionMapper<HashingBudget.Exhausted> {

    @Override
    public Response toResponse(HashingBudget.Exhausted exhausted) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", "temporarily_unavailable");
        body.put("error_description", "Too many credential checks at once; retry after "
                + exhausted.retryAfterSeconds() + " s");
        return NoStore.on(Response.status(Response.Status.SERVICE_UNAVAILABLE))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(exhausted.retryAfterSeconds()))
                .entity(body)
                .build();
    }
}
