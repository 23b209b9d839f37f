package dev.echoid.echo.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The gateway's sessions when every node shares them ({@code ECHO_SESSION_STORE=jdbc}): the store, the idle
 * timeout of {@code web.xml}, the session cookie as the container would write it (its name and flags from the
 * {@code <session-config>}: HttpOnly, Secure outside dev mode, SameSite), and the purge of expired rows.
 */
public final class SharedSessions implements AutoCloseable {

    /** The ServletContext attribute holding the instance, absent when sessions stay in the container's memory. */
    public static final String CONTEXT_ATTRIBUTE = SharedSessions.class.getName();
    /** How often each node deletes expired rows (deleting twice is harmless). */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(5);
    /** 256 random bits, base64url: the only shape of session id this gateway hands out. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final System.Logger LOG = System.getLogger(SharedSessions.class.getName());

    private final ServletContext context;
    private final JdbcSessionStore store;
    private final Duration idle;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService purge;

    public SharedSessions(ServletContext context, JdbcSessionStore store) {
        this.context = context;
        this.store = store;
        int minutes = context.getSessionTimeout();
        this.idle = Duration.ofMinutes(minutes > 0 ? minutes : 30);
        this.purge = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "echo-session-purge");
            thread.setDaemon(true);
            return thread;
        });
        purge.scheduleWithFixedDelay(this::purgeExpired, 0, PURGE_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    public static Optional<SharedSessions> of(ServletContext context) {
        Object sessions = context.getAttribute(CONTEXT_ATTRIBUTE);
        return sessions instanceof SharedSessions ? Optional.of((SharedSessions) sessions) : Optional.empty();
    }

    public JdbcSessionStore store() {
        return store;
    }

    ServletContext context() {
        return context;
    }

    Duration idle() {
        return idle;
    }

    String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The session the request's cookie names, when its row exists and has not expired. */
    Optional<StoredSession> requested(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            // a value of another shape was never handed out: no database round trip for it
            if (cookie.getName().equals(cookieName()) && ID.matcher(cookie.getValue()).matches()) {
                Optional<StoredSession> session = StoredSession.loaded(this, cookie.getValue());
                if (session.isPresent()) {
                    return session;
                }
            }
        }
        return Optional.empty();
    }

    /** Sends the session's cookie, flagged as the {@code <session-config>} says. */
    void sendCookie(HttpServletRequest request, HttpServletResponse response, StoredSession session) {
        SessionCookieConfig config = context.getSessionCookieConfig();
        Cookie cookie = new Cookie(cookieName(), session.cookieValue());
        cookie.setPath(config.getPath() != null ? config.getPath()
                : request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        if (config.getDomain() != null) {
            cookie.setDomain(config.getDomain());
        }
        cookie.setHttpOnly(config.isHttpOnly());
        cookie.setSecure(config.isSecure() || request.isSecure());
        String sameSite = config.getAttribute("SameSite");
        if (sameSite != null) {
            cookie.setAttribute("SameSite", sameSite);
        }
        response.addCookie(cookie);
    }

    String cookieName() {
        String name = context.getSessionCookieConfig().getName();
        return name == null ? "JSESSIONID" : name;
    }

    private void purgeExpired() {
        try {
            int deleted = store.purge();
            if (deleted > 0) {
                LOG.log(System.Logger.Level.INFO, "Purged {0} expired gateway session(s)", deleted);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Purge of expired gateway sessions failed: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        purge.shutdownNow();
        store.close();
    }
}
