package dev.echoid.echo.web;

import dev.echoid.echo.oidc.LogoutToken;
import dev.echoid.echo.oidc.VerifiedIdentity;
import dev.echoid.echo.session.JdbcSessionStore;
import dev.echoid.echo.session.StoredSession;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in gateway sessions of this node, indexed by the provider's session ({@code iss} + {@code sid}) and by
 * the user ({@code iss} + {@code sub}), so a back-channel logout can find and end them. Filled at sign-in (and after a
 * refresh), emptied by {@link SessionRegistryListener} when a session ends. In memory, one per ServletContext. Sessions
 * every gateway node shares ({@code ECHO_SESSION_STORE=jdbc}) are indexed in their rows instead, so a logout token
 * that reaches any one node ends them on all.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#BCActions">OpenID Connect Back-Channel
 *         Logout 1.0 §2.7</a>
 */
public final class SessionRegistry {

    /** The ServletContext attribute holding the instance. */
    public static final String CONTEXT_ATTRIBUTE = SessionRegistry.class.getName();

    private record Entry(HttpSession session, String bySessionKey, String bySubjectKey) {
    }

    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<String, Set<String>> byProviderSession = new HashMap<>();
    private final Map<String, Set<String>> bySubject = new HashMap<>();
    private final Optional<JdbcSessionStore> shared;

    public SessionRegistry() {
        this(Optional.empty());
    }

    /** @param shared the store of the sessions every node shares, if any */
    public SessionRegistry(Optional<JdbcSessionStore> shared) {
        this.shared = shared;
    }

    static SessionRegistry of(ServletContext context) {
        SessionRegistry registry = (SessionRegistry) context.getAttribute(CONTEXT_ATTRIBUTE);
        if (registry == null) {
            throw new IllegalStateException("no session registry");
        }
        return registry;
    }

    /** Records (or updates) who is signed in to {@code session}. */
    public synchronized void register(HttpSession session, VerifiedIdentity identity) {
        if (session instanceof StoredSession stored) {
            stored.index(identity.issuer(), identity.sessionId(), identity.subject());
            return;
        }
        remove(session.getId());
        String sessionKey = identity.sessionId() == null ? null : key(identity.issuer(), identity.sessionId());
        String subjectKey = key(identity.issuer(), identity.subject());
        byId.put(session.getId(), new Entry(session, sessionKey, subjectKey));
        if (sessionKey != null) {
            byProviderSession.computeIfAbsent(sessionKey, k -> new LinkedHashSet<>()).add(session.getId());
        }
        bySubject.computeIfAbsent(subjectKey, k -> new LinkedHashSet<>()).add(session.getId());
    }

    /** Forgets a session that ended. */
    public synchronized void remove(String sessionId) {
        Entry entry = byId.remove(sessionId);
        if (entry == null) {
            return;
        }
        unindex(byProviderSession, entry.bySessionKey(), sessionId);
        unindex(bySubject, entry.bySubjectKey(), sessionId);
    }

    /** Follows a session whose id changed (session fixation defence). */
    public synchronized void renamed(String oldSessionId, HttpSession session) {
        Entry entry = byId.get(oldSessionId);
        if (entry == null) {
            return;
        }
        remove(oldSessionId);
        byId.put(session.getId(), new Entry(session, entry.bySessionKey(), entry.bySubjectKey()));
        if (entry.bySessionKey() != null) {
            byProviderSession.computeIfAbsent(entry.bySessionKey(), k -> new LinkedHashSet<>()).add(session.getId());
        }
        bySubject.computeIfAbsent(entry.bySubjectKey(), k -> new LinkedHashSet<>()).add(session.getId());
    }

    /**
     * The sessions a logout token names: §2.7: with a {@code sid}, the sessions of that provider session (and, when
     * {@code sub} is given too, of that user); with only {@code sub}, every session of that user at that issuer.
     */
    public synchronized List<HttpSession> matching(LogoutToken token) {
        Set<String> ids;
        if (token.sessionId() != null) {
            ids = byProviderSession.getOrDefault(key(token.issuer(), token.sessionId()), Set.of());
        } else {
            ids = bySubject.getOrDefault(key(token.issuer(), token.subject()), Set.of());
        }
        String subjectKey = token.subject() == null ? null : key(token.issuer(), token.subject());
        List<HttpSession> sessions = new ArrayList<>();
        for (String id : ids) {
            Entry entry = byId.get(id);
            if (subjectKey == null || subjectKey.equals(entry.bySubjectKey())) {
                sessions.add(entry.session());
            }
        }
        return sessions;
    }

    /** Ends the sessions a logout token names; returns how many. */
    public int end(LogoutToken token) {
        List<HttpSession> sessions = matching(token);
        for (HttpSession session : sessions) {
            String id = session.getId();
            // Invalidated outside the lock: the container calls SessionRegistryListener, which calls remove().
            SignedInSession.invalidate(session);
            remove(id);
        }
        int ended = sessions.size();
        if (shared.isPresent()) {
            JdbcSessionStore store = shared.get();
            ended += token.sessionId() != null
                    ? store.deleteByProviderSession(JdbcSessionStore.hash(key(token.issuer(), token.sessionId())),
                            token.subject() == null ? null : JdbcSessionStore.hash(key(token.issuer(), token.subject())))
                    : store.deleteBySubject(JdbcSessionStore.hash(key(token.issuer(), token.subject())));
        }
        return ended;
    }

    public synchronized int size() {
        return byId.size();
    }

    private static void unindex(Map<String, Set<String>> index, String key, String sessionId) {
        if (key == null) {
            return;
        }
        Set<String> ids = index.get(key);
        if (ids != null) {
            ids.remove(sessionId);
            if (ids.isEmpty()) {
                index.remove(key);
            }
        }
    }

    private static String key(String issuer, String value) {
        // NUL cannot occur in an issuer URL, so distinct pairs never collide.
        return issuer + '\u0000' + value;
    }
}
