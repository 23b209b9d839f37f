package dev.echoid.identity.endpoint;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.UUID;

/** Anything unexpected: logged with an incident id, answered with a bare {@code server_error}, never a trace. */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = System.getLogger(UnexpectedExceptionMapper.class.getName());

    @Context
    private HttpHeaders headers;

    @Override
    public Response toResponse(Throwable exception) {
        return render(exception, headers);
    }

    Response render(Throwable exception, HttpHeaders requestHeaders) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.ERROR, "Unexpected failure, incident " + incident, exception);
        if (wantsHtml(requestHeaders)) {
            return HtmlPage.response(500, "Something went wrong",
                    "The sign-in service could not complete the request (incident " + incident + ").");
        }
        return Endpoints.noStore(Response.status(500))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "server_error", "error_description", "Unexpected error, incident " + incident))
                .build();
    }

    static boolean wantsHtml(HttpHeaders headers) {
        if (headers == null) {
            return false;
        }
        try {
            return headers.getAcceptableMediaTypes().stream()
                    .anyMatch(type -> type.isCompatible(MediaType.TEXT_HTML_TYPE) && !type.isWildcardType());
        } catch (RuntimeException unparseable) {
            // an Accept header that does not parse: Jersey throws while this very error is being answered
            String accept = headers.getHeaderString(HttpHeaders.ACCEPT);
            return accept != null && accept.contains("text/html");
        }
    }
}
