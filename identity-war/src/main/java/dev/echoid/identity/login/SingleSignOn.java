package dev.echoid.identity.login;

import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.SsoSessions;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider's single sign-on session: a random secret in an HttpOnly cookie, the session itself in PostgreSQL
 * (so every node knows it), with an idle and an absolute lifetime.
 */
public final class SingleSignOn {

    /** The signed-in user in a live session. */
    public record Current(SsoSession session, User user) {
    }

    static final String COOKIE = "IDENTITY_SSO";

    private final SsoSessions sessions;
    private final Users users;
    private final Duration idleTtl;
    private final Duration maxTtl;
    private final boolean secureCookie;
    private final Clock clock;

    public SingleSignOn(SsoSessions sessions, Users users, Duration idleTtl, Duration maxTtl, boolean secureCookie,
            Clock clock) {
        this.sessions = sessions;
        this.users = users;
        this.idleTtl = idleTtl;
        this.maxTtl = maxTtl;
        this.secureCookie = secureCookie;
        this.clock = clock;
    }

    /** The browser's live session and its (enabled) user, if any. */
    public Optional<Current> current(HttpServletRequest request) {
        Instant now = clock.instant();
        return secret(request)
                .flatMap(secret -> sessions.findBySecret(Sha256.base64Url(secret)))
                .filter(session -> session.isActive(now, idleTtl))
                .flatMap(session -> users.find(session.userId()).filter(User::enabled)
                        .map(user -> new Current(session, user)));
    }

    /** The browser's live session when it is another user's than {@code user}: the one a sign-in would replace. */
    public Optional<Current> otherUsersSession(User user, HttpServletRequest request) {
        return current(request).filter(current -> !current.user().id().equals(user.id()));
    }

    /** Marks the session used now (it is idle from here). */
    public void touch(SsoSession session) {
        sessions.touch(session.id(), clock.instant(), session.authTime());
    }

    /**
     * After the user authenticated in the sign-in {@code loginId} (with the RFC 8176 methods {@code amr}, e.g.
     * {@code pwd otp}): the same session re-authenticated when it was this user's, else a new one (and the previous
     * one ends). Sets the cookie.
     */
    public SsoSession signedIn(User user, String amr, String loginId, HttpServletRequest request,
            HttpServletResponse response) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Optional<Current> current = current(request);
        if (current.isPresent() && current.get().user().id().equals(user.id())) {
            sessions.reauthenticated(current.get().session().id(), now, loginId);
            sessions.setAmr(current.get().session().id(), amr);
            SsoSession old = current.get().session();
            return new SsoSession(old.id(), old.userId(), now, old.createdAt(), now, old.expiresAt(), null, amr,
                    loginId);
        }
        current.ifPresent(other -> sessions.end(other.session().id()));
        String secret = RandomTokens.base64Url(32);
        SsoSession session = new SsoSession(UUID.randomUUID(), user.id(), now, now, now, now.plus(maxTtl), null,
                amr, loginId);
        sessions.create(session, Sha256.base64Url(secret));
        response.addCookie(cookie(request, secret, -1));
        return session;
    }

    /**
     * A token for the forms that act on this browser's session (the logout confirmation), derived from its secret:
     * any node can check it, and a cross-site page cannot know it.
     */
    public Optional<String> formToken(HttpServletRequest request, String purpose) {
        return secret(request).map(secret -> Sha256.base64Url(purpose + ":" + secret));
    }

    /** Ends every live session of the user; their ids. */
    public java.util.List<UUID> endAllOf(UUID userId) {
        return sessions.endAllOf(userId);
    }

    /** The amr of a session, for the ID tokens issued from it. */
    public Optional<String> amrOf(UUID sessionId) {
        return sessions.find(sessionId).map(SsoSession::amr);
    }

    /** Every sign-in (audit login id) of the session: the one that authenticated and those it signed in since. */
    public java.util.List<String> loginIds(UUID sessionId) {
        return sessions.loginIdsOf(sessionId);
    }

    /** Ends the browser's session (if any) and clears the cookie; the session that ended, if one was live. */
    public Optional<Current> end(HttpServletRequest request, HttpServletResponse response) {
        Optional<Current> current = current(request);
        current.ifPresent(c -> sessions.end(c.session().id()));
        if (secret(request).isPresent()) {
            response.addCookie(cookie(request, "", 0));
        }
        return current;
    }

    private Cookie cookie(HttpServletRequest request, String value, int maxAge) {
        Cookie cookie = new Cookie(COOKIE, value);
        cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        cookie.setHttpOnly(true);
        cookie.setSecure(secureCookie);
        cookie.setMaxAge(maxAge);
        // top-level navigations from the relying parties (GET /authorize) still carry it
        cookie.setAttribute("SameSite", "Lax");
        return cookie;
    }

    private static Optional<String> secret(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }
}
