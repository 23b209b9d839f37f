package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.Database;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.OAuthError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Token requests are admitted a few at a time ({@value IdentitySettings#TOKEN_CONCURRENCY}, by default as many as
 * the connection pool has connections), in arrival order; the others wait, asleep, for at most
 * {@link #QUEUE_TIMEOUT_MILLIS} and are then answered {@code 503 temporarily_unavailable} with {@code Retry-After}.
 * A request is admitted before its client is authenticated (that takes the database), so without this a flood of
 * requests from clients that do not exist keeps every request thread busy at once: 64 threads queueing for 10
 * connections and competing for the cores with everything else the node does, the health probes and other people's
 * sign-ins included. Admitted, the same flood runs as fast as the pool allows, and the rest of the node keeps its
 * share of the cores. Mapped in {@code web.xml} to {@code /token}, ahead of the JAX-RS runtime.
 */
public class TokenAdmissionFilter extends HttpFilter {

    /** Far above a token request's own time (a few ms): a request that waited this long meets a flood. */
    static final long QUEUE_TIMEOUT_MILLIS = 2000;
    private static final long serialVersionUID = 1L;
    private static final int DEFAULT_POOL_SIZE = 10;
    private static final String BUSY = "{\"error\":\"" + OAuthError.TEMPORARILY_UNAVAILABLE.code()
            + "\",\"error_description\":\"The token endpoint is busy; try again in a second\"}";

    transient Semaphore admitted; // package-private for tests

    @Override
    public void init() throws ServletException {
        SettingsSource settings = SettingsSource.standard(getServletContext()::getInitParameter);
        admitted = new Semaphore(concurrency(settings), true);
    }

    /** {@value IdentitySettings#TOKEN_CONCURRENCY}, else the pool's size, else HikariCP's size here (10). */
    static int concurrency(SettingsSource settings) throws ServletException {
        Optional<String> value = settings.get(IdentitySettings.TOKEN_CONCURRENCY).or(() -> settings.get(
                Database.POOL_SIZE));
        if (value.isEmpty()) {
            return DEFAULT_POOL_SIZE;
        }
        try {
            int concurrency = Integer.parseInt(value.get().trim());
            if (concurrency > 0) {
                return concurrency;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ServletException(IdentitySettings.TOKEN_CONCURRENCY + " must be a positive number, not "
                + value.get());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response); // refused by the endpoint at once (405)
            return;
        }
        boolean admittedNow;
        try {
            admittedNow = admitted.tryAcquire(QUEUE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admittedNow = false;
        }
        if (!admittedNow) {
            // RFC 9110 §15.6.4: 503 with Retry-After; the OAuth error code as the endpoint's own 503 answers say
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "1");
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(BUSY);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            admitted.release();
        }
    }
}
