package dev.echoid.identity.endpoint;

import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a protocol error as RFC 6749 §5.2 JSON with {@code Cache-Control: no-store}.
 */
@Provider
public class OAuthExceptionMapper implements ExceptionMapper<OAuthException> {

    @Override
    public Response toResponse(OAuthException exception) {
        OAuthError error = exception.error();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error.code());
        if (exception.description() != null) {
            body.put("error_description", exception.description());
        }
        Response.ResponseBuilder response = NoStore.on(Response.status(error.status()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body);
        if (error == OAuthError.INVALID_CLIENT) {
            // RFC 6749 §5.2: 401 with a WWW-Authenticate header matching the scheme the client used
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"identity\"");
        } else if (error == OAuthError.INVALID_TOKEN) {
            // RFC 6750 §3
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\", error_description=\""
                    + exception.description().replace("\"", "'") + "\"");
        }
        return response.build();
    }
}
