package dev.echoid.identity.web;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.AccessLogLine;
import dev.echoid.plumbing.ForwardedClient;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.plumbing.TrustedProxies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * One line per request (logger {@code dev.echoid.access}), written after the request completed: method, path
 * (no query string), status, duration, the client's address (through trusted proxies: {@link ForwardedClient})
 * and, when the request belongs to a sign-in, its login id.
 * The login id comes from the code that handles the request, which notes it on the request itself
 * ({@link AccessLogLine#noteLoginId}): the endpoints and grant handlers for the code, token or session they work on,
 * the sign-in pages for their pending request. Nothing is kept beside the thread, which the container reuses.
 */
public final class AccessLogFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger("dev.echoid.access");

    private transient LogFormat format;
    private transient TrustedProxies trustedProxies = TrustedProxies.none();

    @Override
    public void init() {
        SettingsSource settings = SettingsSource.standard(getServletContext()::getInitParameter);
        format = LogFormat.from(settings, IdentitySettings.LOG_FORMAT);
        try {
            trustedProxies = settings.get(IdentitySettings.TRUSTED_PROXIES)
                    .map(value -> TrustedProxies.parse(IdentitySettings.TRUSTED_PROXIES, value))
                    .orElse(TrustedProxies.none());
        } catch (InvalidSettingException e) {
            trustedProxies = TrustedProxies.none(); // the provider's start-up reports it and refuses to run
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            // access lines switched off (logging.properties): nothing to render
            if (LOG.isLoggable(Level.INFO)) {
                // an exception leaving the chain becomes the container's 500
                int status = failed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : response.getStatus();
                AccessLogLine line = new AccessLogLine(request.getMethod(), AccessLogLine.pathOf(request), status,
                        (System.nanoTime() - start) / 1_000_000, ForwardedClient.address(request, trustedProxies),
                        AccessLogLine.loginIdOf(request));
                LOG.log(Level.INFO, line.render(format));
            }
        }
    }
}
