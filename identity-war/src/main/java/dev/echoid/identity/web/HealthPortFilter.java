package dev.echoid.identity.web;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.plumbing.TransportSecurity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The health port ({@value IdentitySettings#HEALTH_PORT}): a connector of the container with threads of its own, so
 * that the probes of an orchestrator never queue behind the requests that occupy the main connector's threads (a
 * flood at {@code /token}). On it the provider answers the probes ({@link TransportSecurity#isHealthProbe}) and
 * nothing else ({@code 404}): its few threads are the probes'. Without the setting it does nothing.
 */
public class HealthPortFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    int healthPort = -1; // package-private for tests

    @Override
    public void init() throws ServletException {
        Optional<String> port = SettingsSource.standard(getServletContext()::getInitParameter)
                .get(IdentitySettings.HEALTH_PORT);
        if (port.isPresent()) {
            healthPort = parse(port.get().trim());
        }
    }

    static int parse(String value) throws ServletException {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ServletException(IdentitySettings.HEALTH_PORT + " must be a TCP port (1 to 65535), not " + value);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getLocalPort() == healthPort && !TransportSecurity.isHealthProbe(request)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        chain.doFilter(request, response);
    }
}
