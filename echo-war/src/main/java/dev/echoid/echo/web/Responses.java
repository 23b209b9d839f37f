package dev.echoid.echo.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.echoid.plumbing.SecurityHeadersFilter;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * How the gateway answers: HTML pages and JSON with the same protective headers, redirects, and the one place that
 * turns a failure into a generic page or JSON error (details go to the log only).
 */
final class Responses {

    /** The pages' one stylesheet, inline so that every page (the error pages too) is styled without a public path. */
    static final String STYLE = ":root{color-scheme:light;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
            + "sans-serif;line-height:1.5;color:#111827;background:#f3f4f6}"
            + "body{margin:0}"
            + ".top{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem .75rem;padding:.9rem 1rem;"
            + "background:#fff;border-bottom:1px solid #d1d5db}"
            + ".brand{font-weight:700;font-size:1.125rem;color:#4338ca;letter-spacing:.02em}"
            + ".app{color:#4b5563}"
            + "main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem}"
            + "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}"
            + ".lead{font-size:1.125rem;margin:0 0 1.25rem}"
            + ".card{background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12),0 8px 24px rgba(0,0,0,.05);"
            + "padding:1.25rem 1.5rem}"
            + "dl{margin:0;display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.6rem 1.25rem}"
            + "dt{font-weight:600;color:#374151}"
            + "dd{margin:0;overflow-wrap:anywhere}"
            + "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#eef2ff;"
            + "padding:.05rem .3rem;border-radius:.25rem}"
            + ".muted{color:#4b5563}"
            + ".actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1.5rem}"
            + ".actions form{margin:0}"
            + "a{color:#4338ca;text-underline-offset:.15em}"
            + "button,.button{display:inline-block;box-sizing:border-box;min-height:2.75rem;padding:.6rem 1.1rem;font:inherit;"
            + "font-weight:600;line-height:1.5;border:1px solid #4338ca;border-radius:.4rem;cursor:pointer;"
            + "text-decoration:none}"
            + "button{color:#fff;background:#4338ca}button:hover{background:#3730a3}"
            + ".button{color:#4338ca;background:#fff}.button:hover{background:#eef2ff}"
            + "a:focus-visible,button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}"
            + "@media (max-width:30rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.75rem}"
            + ".card{padding:1rem 1.1rem}h1{font-size:1.4rem}}";

    // The stylesheet is allowed by its hash: no 'unsafe-inline', so an injected <style> or style attribute is refused.
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src " + sha256Source(STYLE) + "; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final System.Logger LOG = System.getLogger(Responses.class.getName());

    private Responses() {
    }

    /**
     * The policy for a page whose form is answered with a redirect to {@code formRedirectTarget}: Chromium applies
     * {@code form-action} to the redirects after a submission too, so sign-out's hop to the provider's
     * {@code end_session_endpoint} needs the provider's origin there.
     */
    static String contentSecurityPolicy(Optional<URI> formRedirectTarget) {
        return formRedirectTarget.map(target -> CONTENT_SECURITY_POLICY + " " + origin(target))
                .orElse(CONTENT_SECURITY_POLICY);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    static void protectiveHeaders(HttpServletResponse response) {
        protectiveHeaders(response, CONTENT_SECURITY_POLICY);
    }

    private static void protectiveHeaders(HttpServletResponse response, String contentSecurityPolicy) {
        SecurityHeadersFilter.noStore(response);
        SecurityHeadersFilter.protectiveHeaders(response, contentSecurityPolicy);
    }

    /** A page; {@code bodyHtml} must already have every reflected value passed through {@link Html#escape}. */
    static void page(HttpServletResponse response, int status, String title, String bodyHtml) throws IOException {
        page(response, status, title, bodyHtml, Optional.empty());
    }

    /** A page with a form whose answer may redirect to {@code formRedirectTarget}'s origin. */
    static void page(HttpServletResponse response, int status, String title, String bodyHtml,
            Optional<URI> formRedirectTarget) throws IOException {
        response.setStatus(status);
        protectiveHeaders(response, contentSecurityPolicy(formRedirectTarget));
        response.setContentType("text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        PrintWriter out = response.getWriter();
        out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + " · Echo · EchoID</title><style>" + STYLE + "</style></head>\n"
                + "<body>\n<header class=\"top\"><span class=\"brand\">EchoID</span>"
                + "<span class=\"app\">Echo API gateway</span></header>\n"
                + "<main>\n<h1>" + Html.escape(title) + "</h1>\n" + bodyHtml + "\n</main>\n</body></html>\n");
        out.flush();
    }

    /** A CSP source expression for exactly this inline content (CSP Level 3 §2.3.1, hash-source). */
    static String sha256Source(String inlineContent) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(inlineContent.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
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
        if (pathWithinApp.startsWith("/api/") || pathWithinApp.equals("/api")
                || pathWithinApp.equals("/backchannel-logout")) { // the provider calls it, not a browser
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
        // one line, no stack trace: while the provider starts or is away, every sign-in attempt lands here
        LOG.log(System.Logger.Level.WARNING, "OpenID Provider unavailable: " + describe(cause));
        response.setHeader("Retry-After", "30");
        failure(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                "Sign-in is unavailable", "The identity provider cannot be reached right now. Please try again shortly.");
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? String.valueOf(failure.getMessage()) : failure.getMessage() + " (" + root + ")";
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
