package dev.echoid.identity.endpoint;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * HTTP-level refusals from the JAX-RS runtime (wrong method, wrong content type, unparseable body) keep their
 * status and get an {@code invalid_request} body, or a page for a browser.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Context
    private HttpHeaders headers;

    @Override
    public Response toResponse(WebApplicationException exception) {
        int status = exception.getResponse().getStatus();
        if (status >= 500) {
            return new UnexpectedExceptionMapper().render(exception, headers);
        }
        String reason = Response.Status.fromStatusCode(status) == null ? "Bad request"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        if (UnexpectedExceptionMapper.wantsHtml(headers)) {
            return HtmlPage.response(status, reason, "The request could not be processed.");
        }
        Response.ResponseBuilder response = NoStore.on(Response.status(status))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "invalid_request", "error_description", reason));
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Allow")) {
                values.forEach(value -> response.header(name, value));
            }
        });
        return response.build();
    }
}
