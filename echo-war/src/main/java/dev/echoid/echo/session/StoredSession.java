package dev.echoid.echo.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One request's view of a session kept in the {@link JdbcSessionStore}: read from its row when the request first asks
 * for it, changed in memory, and written back before the response leaves ({@link SharedSessionFilter}) when its
 * attributes changed. {@link #invalidate()} deletes the row at once, so the session ends on every node.
 *
 * <p>{@link #getId()} is the hash of the cookie value, never the value itself: it may reach a log.
 */
public final class StoredSession implements HttpSession {

    /** A live row is touched at most this often when nothing else changed (its idle expiry moves with it). */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final SharedSessions sessions;
    private String cookieValue;
    private byte[] idHash;
    private Map<String, Object> attributes;
    private final long creationTime;
    private final long lastAccessedTime;
    private final Instant touchedAt;
    /** The bytes the row holds now; null while the session is not in the store yet. */
    private byte[] persisted;
    private JdbcSessionStore.Index index = JdbcSessionStore.Index.NONE;
    private JdbcSessionStore.Index persistedIndex = JdbcSessionStore.Index.NONE;
    /** The row to delete once the renamed session is written (session fixation defence). */
    private byte[] retired;
    private boolean invalid;
    private boolean locked;
    private boolean isNew;

    private StoredSession(SharedSessions sessions, String cookieValue, Map<String, Object> attributes,
            Instant createdAt, Instant touchedAt, byte[] persisted, boolean isNew) {
        this.sessions = sessions;
        this.cookieValue = cookieValue;
        this.idHash = JdbcSessionStore.hash(cookieValue);
        this.attributes = attributes;
        this.creationTime = createdAt.toEpochMilli();
        this.lastAccessedTime = touchedAt.toEpochMilli();
        this.touchedAt = touchedAt;
        this.persisted = persisted;
        this.isNew = isNew;
    }

    static StoredSession created(SharedSessions sessions, String cookieValue) {
        Instant now = Instant.now();
        return new StoredSession(sessions, cookieValue, new HashMap<>(), now, now, null, true);
    }

    static Optional<StoredSession> loaded(SharedSessions sessions, String cookieValue) {
        return sessions.store().find(JdbcSessionStore.hash(cookieValue)).flatMap(row -> {
            Map<String, Object> attributes = SessionAttributes.decode(row.attributes());
            return attributes == null ? Optional.empty() : Optional.of(new StoredSession(sessions, cookieValue,
                    attributes, row.createdAt(), row.touchedAt(), row.attributes(), false));
        });
    }

    /** The cookie value that names this session (secret: only for the Set-Cookie header). */
    String cookieValue() {
        return cookieValue;
    }

    /** Gives the session a new id, keeping its attributes; the old id's row is deleted when this one is written. */
    synchronized String changeId() {
        live();
        if (persisted != null && retired == null) {
            retired = idHash;
        }
        cookieValue = sessions.newId();
        idHash = JdbcSessionStore.hash(cookieValue);
        persisted = null;
        return getId();
    }

    /** Who is signed in to this session, hashed, for back-channel logout on any node. */
    public synchronized void index(String issuer, String providerSessionId, String subject) {
        index = new JdbcSessionStore.Index(
                providerSessionId == null ? null : JdbcSessionStore.hash(issuer + '\u0000' + providerSessionId),
                subject == null ? null : JdbcSessionStore.hash(issuer + '\u0000' + subject));
    }

    /**
     * Runs {@code work} as the only one changing this session across every node: the row is locked and read again
     * first (another node may have renewed the tokens meanwhile), and what {@code work} leaves is written before the
     * lock is released.
     *
     * @throws IllegalStateException when the session ended meanwhile
     */
    public synchronized <T> T exclusively(Supplier<T> work) {
        live();
        if (persisted == null) {
            return work.get(); // not in the store yet: no other request can know it
        }
        AtomicReference<T> result = new AtomicReference<>();
        locked = true;
        boolean live;
        try {
            live = sessions.store().underLock(idHash, sessions.idle(), row -> {
                Map<String, Object> now = SessionAttributes.decode(row.attributes());
                if (now != null) {
                    attributes = now;
                }
                result.set(work.get());
                if (invalid) {
                    return Optional.empty();
                }
                byte[] bytes = SessionAttributes.encode(attributes);
                persisted = bytes;
                persistedIndex = index;
                return Optional.of(new JdbcSessionStore.LockedWork.Result(bytes, index));
            });
        } finally {
            locked = false;
        }
        if (!live) {
            invalid = true;
            throw new IllegalStateException("the session ended");
        }
        return result.get();
    }

    /** Writes what changed; called before the response is committed. */
    synchronized void persist() {
        if (invalid) {
            return;
        }
        byte[] bytes = SessionAttributes.encode(attributes);
        if (persisted == null) {
            if (attributes.isEmpty() && retired == null) {
                return; // nothing worth a row: the next request starts afresh
            }
            sessions.store().insert(idHash, bytes, index, sessions.idle());
            if (retired != null) {
                sessions.store().delete(retired);
                retired = null;
            }
        } else if (!Arrays.equals(bytes, persisted) || !indexEquals(index, persistedIndex)) {
            if (!sessions.store().update(idHash, bytes, index, sessions.idle())) {
                invalid = true; // ended on another node meanwhile: it stays ended
                return;
            }
        } else if (touchedAt.plus(TOUCH_INTERVAL).isBefore(Instant.now())) {
            sessions.store().touch(idHash, sessions.idle());
        }
        persisted = bytes;
        persistedIndex = index;
    }

    boolean isValid() {
        return !invalid;
    }

    private static boolean indexEquals(JdbcSessionStore.Index a, JdbcSessionStore.Index b) {
        return Arrays.equals(a.providerSession(), b.providerSession()) && Arrays.equals(a.subject(), b.subject());
    }

    private void live() {
        if (invalid) {
            throw new IllegalStateException("the session was invalidated");
        }
    }

    @Override
    public long getCreationTime() {
        live();
        return creationTime;
    }

    @Override
    public String getId() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(idHash);
    }

    @Override
    public long getLastAccessedTime() {
        live();
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return sessions.context();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        // every session of the store has the application's idle timeout
    }

    @Override
    public int getMaxInactiveInterval() {
        return (int) sessions.idle().toSeconds();
    }

    @Override
    public synchronized Object getAttribute(String name) {
        live();
        return attributes.get(name);
    }

    @Override
    public synchronized Enumeration<String> getAttributeNames() {
        live();
        return Collections.enumeration(attributes.keySet());
    }

    @Override
    public synchronized void setAttribute(String name, Object value) {
        live();
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (!SessionAttributes.storable(value)) {
            throw new IllegalArgumentException("a shared session holds serializable values only: " + name);
        }
        attributes.put(name, value);
    }

    @Override
    public synchronized void removeAttribute(String name) {
        live();
        attributes.remove(name);
    }

    @Override
    public synchronized void invalidate() {
        live();
        invalid = true;
        if (!locked && persisted != null) {
            sessions.store().delete(idHash); // under the lock, the locked section deletes it
        }
        if (retired != null) {
            sessions.store().delete(retired);
        }
    }

    @Override
    public boolean isNew() {
        live();
        return isNew;
    }
}
