package dev.echoid.echo.web;

import dev.echoid.echo.oidc.RelyingParty;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /health/live}: the application is deployed and answering. {@code GET /health/ready}: its settings are
 * valid, so it can serve; 503 {@code DOWN} while they are not. The provider's reachability is deliberately not a
 * readiness check: signed-in users are served from the session and the cached keys while the provider blips, and a
 * probe that failed with the provider would take every gateway node out of the load balancer at once.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/health/ready".equals(RequestPaths.withinApp(request))) {
            Responses.json(response, HttpServletResponse.SC_OK, Map.of("status", "UP"));
            return;
        }
        boolean configured = getServletContext().getAttribute(RelyingParty.CONTEXT_ATTRIBUTE) != null;
        String status = configured ? "UP" : "DOWN";
        Responses.json(response, configured ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                Map.of("status", status, "checks", Map.of("settings", Map.of("status", status))));
    }
}
