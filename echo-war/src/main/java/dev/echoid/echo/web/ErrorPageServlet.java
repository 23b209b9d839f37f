package dev.echoid.echo.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's error page (see {@code web.xml}): a readable page or JSON for 404, 405 and anything thrown, never
 * the container's own page or a stack trace.
 */
public final class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(ErrorPageServlet.class.getName());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() != jakarta.servlet.DispatcherType.ERROR) {
            // asked for directly: there is no page at this address
            Responses.failure(request, response, HttpServletResponse.SC_NOT_FOUND, "not_found", "Not found",
                    "There is nothing at this address.");
            return;
        }
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable thrown = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        int code = status instanceof Integer ? (Integer) status : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        if (thrown != null) {
            LOG.log(System.Logger.Level.ERROR, "Unhandled failure on " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), thrown);
            code = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
        switch (code) {
            case HttpServletResponse.SC_NOT_FOUND:
                Responses.failure(request, response, code, "not_found", "Not found", "There is nothing at this address.");
                break;
            case HttpServletResponse.SC_METHOD_NOT_ALLOWED:
                Responses.failure(request, response, code, "method_not_allowed", "Not allowed",
                        "This address does not accept that kind of request.");
                break;
            default:
                if (code < 500) {
                    Responses.failure(request, response, code, "invalid_request", "Request not accepted",
                            "The gateway could not accept this request.");
                } else {
                    Responses.failure(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "server_error",
                            "Something went wrong", "The gateway could not handle this request. Please try again.");
                }
        }
    }
}
