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
 * The login id comes from the code that knows it ({@link #noteLoginId}): every audit event of the request, and the
 * sign-in pages' pending request.
 */
public final class AccessLogFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger("dev.echoid.access");
    // the request thread's login id; Jersey and Faces both answer on the thread that called the filter
    private static final ThreadLocal<String[]> LOGIN_ID = new ThreadLocal<>();

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

    /** Tells the current request's access line its login id (a later one wins); a no-op outside a request. */
    public static void noteLoginId(String loginId) {
        String[] holder = LOGIN_ID.get();
        if (holder != null && loginId != null) {
            holder[0] = loginId;
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String[] loginId = new String[1];
        LOGIN_ID.set(loginId);
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            LOGIN_ID.remove();
            // access lines switched off (logging.properties): nothing to render
            if (LOG.isLoggable(Level.INFO)) {
                // an exception leaving the chain becomes the container's 500
                int status = failed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : response.getStatus();
                AccessLogLine line = new AccessLogLine(request.getMethod(), AccessLogLine.pathOf(request), status,
                        (System.nanoTime() - start) / 1_000_000, ForwardedClient.address(request, trustedProxies),
                        loginId[0]);
                LOG.log(Level.INFO, line.render(format));
            }
        }
    }
}
