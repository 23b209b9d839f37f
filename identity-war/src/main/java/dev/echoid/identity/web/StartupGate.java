package dev.echoid.identity.web;

import dev.echoid.identity.endpoint.HtmlPage;
import dev.echoid.identity.health.Readiness;
import dev.echoid.identity.health.StartupState;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.store.StoreException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Until the provider has started ({@link StartupState}: the database reached, migrated, the services built), every
 * request is answered here: liveness {@code UP}; readiness 503 {@code DOWN} with the start-up's phase and reason;
 * anything else 503 with {@code Retry-After}, {@code {"error": "temporarily_unavailable"}} for a program (RFC 6749
 * §4.1.2.1's code, as the endpoints answer when the database goes away later) and a readable page for a browser.
 * The error pages' stylesheet and icon still load. Once ready, it only passes requests on. Added by
 * {@code Bootstrap} after the filters {@code web.xml} maps (so behind transport security and the request limits) and
 * before the protocol endpoints and the Faces pages.
 */
public final class StartupGate extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final String UNAVAILABLE = "{\"error\":\"" + OAuthError.TEMPORARILY_UNAVAILABLE.code()
            + "\",\"error_description\":\"The service is starting and cannot serve requests yet; try again later\"}";
    private static final String PAGE = HtmlPage.document("The sign-in service is unavailable",
            "The sign-in service is starting and cannot reach its database yet. Please try again in a minute.");

    private final transient StartupState startup;

    public StartupGate(StartupState startup) {
        this.startup = startup;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (startup.isReady()) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/resources/") || path.startsWith("/error/")) {
            chain.doFilter(request, response); // what the page below links to
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (path.equals("/health/live")) {
            write(response, HttpServletResponse.SC_OK, "application/json", "{\"status\":\"UP\"}");
            return;
        }
        if (path.equals("/health/ready")) {
            write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "application/json", readiness());
            return;
        }
        // RFC 9110 §15.6.4: 503 with Retry-After (§10.2.3)
        response.setHeader("Retry-After", String.valueOf(StoreException.RETRY_AFTER_SECONDS));
        if (wantsHtml(request.getHeader("Accept"))) {
            write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "text/html", PAGE);
        } else {
            write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "application/json", UNAVAILABLE);
        }
    }

    /** As the endpoints decide: a browser names text/html; a program accepts JSON or anything. */
    static boolean wantsHtml(String accept) {
        return accept != null && accept.contains("text/html");
    }

    private String readiness() {
        Map<String, Object> check = startup.check();
        StringBuilder json = new StringBuilder("{\"status\":\"").append(Readiness.DOWN)
                .append("\",\"checks\":{\"startup\":{");
        String separator = "";
        for (Map.Entry<String, Object> entry : check.entrySet()) {
            json.append(separator).append('"').append(entry.getKey()).append("\":\"")
                    .append(String.valueOf(entry.getValue()).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
            separator = ",";
        }
        return json.append("}}}").toString();
    }

    private static void write(HttpServletResponse response, int status, String type, String body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        response.getWriter().write(body);
    }
}
