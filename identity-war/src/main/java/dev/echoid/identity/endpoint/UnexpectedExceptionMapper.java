package dev.echoid.identity.endpoint;

import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.store.StoreException;
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

/**
 * Anything unexpected: logged with an incident id, answered with a bare {@code server_error}, never a trace. A
 * database that cannot be reached is no bug of the request: 503 {@code temporarily_unavailable} with
 * {@code Retry-After}, a page for a browser.
 */
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
        if (StoreException.unavailableIn(exception)) {
            return unavailable(exception, wantsHtml(requestHeaders));
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.ERROR, "Unexpected failure, incident " + incident, exception);
        if (wantsHtml(requestHeaders)) {
            return HtmlPage.response(500, "Something went wrong",
                    "The sign-in service could not complete the request (incident " + incident + ").");
        }
        return NoStore.on(Response.status(500))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "server_error", "error_description", "Unexpected error, incident " + incident))
                .build();
    }

    /**
     * 503 with {@code Retry-After} (RFC 9110 §15.6.4, §10.2.3). The JSON carries {@code temporarily_unavailable}: RFC
     * 6749 §4.1.2.1's code, which §5.2 lacks; clients of Keycloak and others know it from the token endpoint too.
     */
    static Response unavailable(Throwable exception, boolean html) {
        LOG.log(Level.WARNING, "The database is unavailable: " + rootCause(exception));
        Response.ResponseBuilder response;
        if (html) {
            response = Response.fromResponse(HtmlPage.response(503, "The sign-in service is unavailable",
                    "The sign-in service cannot reach its database at the moment. Please try again in a minute."));
        } else {
            response = NoStore.on(Response.status(503))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", OAuthError.TEMPORARILY_UNAVAILABLE.code(),
                            "error_description", "The service is temporarily unavailable; try again later"));
        }
        return response.header(HttpHeaders.RETRY_AFTER, StoreException.RETRY_AFTER_SECONDS).build();
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
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
