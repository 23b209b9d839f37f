package dev.echoid.echo.web;

import dev.echoid.echo.oidc.RandomValues;
import dev.echoid.echo.oidc.SessionTokens;
import dev.echoid.echo.oidc.SignedInUser;
import dev.echoid.echo.session.StoredSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Supplier;

/** The one place that reads and writes what a signed-in HTTP session holds: its tokens and its refresh lock. */
final class SignedInSession {

    static final String LOCK_ATTRIBUTE = SignedInSession.class.getName() + ".lock";
    static final String FORM_TOKEN_ATTRIBUTE = SignedInSession.class.getName() + ".formToken";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What requests of one session synchronize on while they renew its tokens, so a rotated refresh token is never
     * used twice (the provider would take that for theft and revoke the grant). Serializable so it travels with the
     * session; after deserialization a new instance serves the same purpose on that node.
     */
    static final class RefreshLock implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private SignedInSession() {
    }

    /**
     * Completes a sign-in: a new session id (session fixation defence), the lock, the tokens, and an entry in the
     * registry so a back-channel logout can find the session.
     */
    static void begin(HttpServletRequest request, SignedInUser user, SessionRegistry registry) {
        request.changeSessionId();
        HttpSession session = request.getSession();
        lock(session);
        session.setAttribute(SessionTokens.SESSION_ATTRIBUTE, user.tokens());
        registry.register(session, user.identity());
    }

    static Optional<SessionTokens> tokens(HttpSession session) {
        Object stored = session.getAttribute(SessionTokens.SESSION_ATTRIBUTE);
        return stored instanceof SessionTokens ? Optional.of((SessionTokens) stored) : Optional.empty();
    }

    /** Replaces the tokens; set again even when only a field changed, so replicated sessions see it. */
    static void store(HttpSession session, SessionTokens tokens) {
        session.setAttribute(SessionTokens.SESSION_ATTRIBUTE, tokens);
    }

    /**
     * The token of the sign-out form, made once per session (256 random bits) and kept in it: a page of another site
     * cannot know it, so only the gateway's own pages can end the session.
     */
    static String formToken(HttpSession session) {
        Object token = session.getAttribute(FORM_TOKEN_ATTRIBUTE);
        if (token instanceof String) {
            return (String) token;
        }
        synchronized (lock(session)) {
            token = session.getAttribute(FORM_TOKEN_ATTRIBUTE);
            if (!(token instanceof String)) {
                token = new RandomValues(RANDOM).next();
                session.setAttribute(FORM_TOKEN_ATTRIBUTE, token);
            }
            return (String) token;
        }
    }

    /** Does {@code given} equal the session's sign-out token? Compared in constant time. */
    static boolean formTokenMatches(HttpSession session, String given) {
        Object token = session.getAttribute(FORM_TOKEN_ATTRIBUTE);
        return token instanceof String && given != null && MessageDigest.isEqual(
                ((String) token).getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** Forgets the tokens but keeps the session (an expired sign-in without a way to renew it). */
    static void forget(HttpSession session) {
        session.removeAttribute(SessionTokens.SESSION_ATTRIBUTE);
    }

    static Object lock(HttpSession session) {
        Object lock = session.getAttribute(LOCK_ATTRIBUTE);
        if (lock != null) {
            return lock;
        }
        synchronized (session) {
            lock = session.getAttribute(LOCK_ATTRIBUTE);
            if (lock == null) {
                lock = new RefreshLock();
                session.setAttribute(LOCK_ATTRIBUTE, lock);
            }
            return lock;
        }
    }

    /**
     * Runs {@code work} as the only renewal or sign-out of {@code session} at a time: on this node's lock, or, for a
     * session every gateway node shares, on its row, re-read first (another node may have renewed it meanwhile).
     */
    static <T> T exclusively(HttpSession session, Supplier<T> work) {
        if (session instanceof StoredSession stored) {
            return stored.exclusively(work);
        }
        synchronized (lock(session)) {
            return work.get();
        }
    }

    /**
     * Signs out: waits for a refresh in progress (so the latest tokens are the ones returned), then invalidates the
     * session. Empty when there was no session or nobody was signed in to it.
     */
    static Optional<SessionTokens> end(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        try {
            return exclusively(session, () -> {
                Optional<SessionTokens> tokens = tokens(session);
                session.invalidate();
                return tokens;
            });
        } catch (IllegalStateException alreadyInvalidated) {
            return Optional.empty();
        }
    }

    /** Invalidates {@code session}; one another thread ended first is left as it is. */
    static void invalidate(HttpSession session) {
        try {
            session.invalidate();
        } catch (IllegalStateException alreadyInvalidated) {
            // Ended concurrently (sign-out, timeout, another logout token): nothing left to do.
        }
    }
}
