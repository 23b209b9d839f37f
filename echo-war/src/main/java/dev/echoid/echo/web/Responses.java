package dev.echoid.echo.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How the gateway answers: HTML pages and JSON with the same protective headers, redirects, and the one place that
 * turns a failure into a generic page or JSON error (details go to the log only).
 */
final class Responses {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final System.Logger LOG = System.getLogger(Responses.class.getName());

    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;"
            + "padding:0 1rem;line-height:1.5;color:#222}dt{font-weight:600}dd{margin:0 0 .6rem 0;"
            + "word-break:break-all}code{background:#f3f3f3;padding:0 .2rem}button{font:inherit}";

    private Responses() {
    }

    static void protectiveHeaders(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    /** A page; {@code bodyHtml} must already have every reflected value passed through {@link Html#escape}. */
    static void page(HttpServletResponse response, int status, String title, String bodyHtml) throws IOException {
        response.setStatus(status);
        protectiveHeaders(response);
        response.setContentType("text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        PrintWriter out = response.getWriter();
        out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + " · Echo</title><style>" + STYLE + "</style></head>"
                + "<body><main><h1>" + Html.escape(title) + "</h1>\n" + bodyHtml + "\n</main></body></html>\n");
        out.flush();
    }

    static void json(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        protectiveHeaders(response);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(JSON.writeValueAsString(body));
        response.getWriter().flush();
    }

    /** A 302 with a Location exactly as given (a path is sent as a relative reference, RFC 9110 §10.2.2). */
    static void redirect(HttpServletResponse response, String location) {
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", location);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    /** Whether the caller is a program expecting JSON rather than a browser expecting a page. */
    static boolean wantsJson(HttpServletRequest request, String pathWithinApp) {
        if (pathWithinApp.startsWith("/api/") || pathWithinApp.equals("/api")) {
            return true;
        }
        if (request.getHeader("X-Requested-With") != null) {
            return true;
        }
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("application/json") && !accept.contains("text/html");
    }

    /** A failure the user may read about: generic words only, as a page or as {@code {"error", "error_description"}}. */
    static void failure(HttpServletRequest request, HttpServletResponse response, int status, String error,
            String title, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        String path = RequestPaths.withinApp(request);
        Object failedUri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (failedUri instanceof String && ((String) failedUri).startsWith(request.getContextPath())) {
            path = ((String) failedUri).substring(request.getContextPath().length());
        }
        if (wantsJson(request, path)) {
            json(response, status, Map.of("error", error, "error_description", message));
        } else {
            page(response, status, title, "<p>" + Html.escape(message) + "</p>\n<p><a href=\""
                    + Html.escape(request.getContextPath() + "/") + "\">Back to the start page</a></p>");
        }
    }

    /** The provider could not be reached or answered nonsense: 503, the detail to the log. */
    static void providerUnavailable(HttpServletRequest request, HttpServletResponse response, Exception cause)
            throws IOException {
        LOG.log(System.Logger.Level.WARNING, "OpenID Provider unavailable: " + cause.getMessage(), cause);
        response.setHeader("Retry-After", "30");
        failure(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                "Sign-in is unavailable", "The identity provider cannot be reached right now. Please try again shortly.");
    }

    /** Anything unexpected: 500 with a generic message; the stack trace goes to the log only. */
    static void unexpected(HttpServletRequest request, HttpServletResponse response, Throwable cause) {
        LOG.log(System.Logger.Level.ERROR, "Unexpected failure on " + request.getMethod() + " "
                + request.getRequestURI(), cause);
        try {
            failure(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "server_error",
                    "Something went wrong", "The gateway could not handle this request. Please try again.");
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not write the error response", e);
        }
    }
}
