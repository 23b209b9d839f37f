package dev.echoid.identity.login;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.security.RandomTokens;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Authorization requests waiting for the person to sign in, kept in the browser's session at the provider under a
 * random id that the login page carries. A few may wait at once (several tabs); each expires after ten minutes.
 */
public final class PendingAuthorizations implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String ATTRIBUTE = PendingAuthorizations.class.getName();
    private static final int MAX_PENDING = 8;
    private static final Duration LIFETIME = Duration.ofMinutes(10);

    /** @param passwordVerified the user whose password was right, while the second step is pending, else null */
    private record Pending(AuthorizationRequest request, Instant expiresAt, UUID passwordVerified)
            implements Serializable {
    }

    private final Map<String, Pending> pending = new LinkedHashMap<>();

    public static PendingAuthorizations of(HttpSession session) {
        synchronized (session) {
            PendingAuthorizations value = (PendingAuthorizations) session.getAttribute(ATTRIBUTE);
            if (value == null) {
                value = new PendingAuthorizations();
                session.setAttribute(ATTRIBUTE, value);
            }
            return value;
        }
    }

    public synchronized String add(AuthorizationRequest request) {
        purge();
        while (pending.size() >= MAX_PENDING) {
            pending.remove(pending.keySet().iterator().next());
        }
        String id = RandomTokens.base64Url(16);
        pending.put(id, new Pending(request, Instant.now().plus(LIFETIME), null));
        return id;
    }

    public synchronized Optional<AuthorizationRequest> find(String id) {
        purge();
        return Optional.ofNullable(id == null ? null : pending.get(id)).map(Pending::request);
    }

    /** Records that the password step passed for this request; only the second step remains. */
    public synchronized void passwordVerified(String id, UUID userId) {
        Pending entry = pending.get(id);
        if (entry != null) {
            pending.put(id, new Pending(entry.request(), entry.expiresAt(), userId));
        }
    }

    /** The user whose password step passed for this request, if it did. */
    public synchronized Optional<UUID> passwordVerifiedUser(String id) {
        purge();
        return Optional.ofNullable(id == null ? null : pending.get(id)).map(Pending::passwordVerified);
    }

    /** Takes the request out, so that it completes at most once. */
    public synchronized Optional<AuthorizationRequest> take(String id) {
        purge();
        return Optional.ofNullable(id == null ? null : pending.remove(id)).map(Pending::request);
    }

    private void purge() {
        Instant now = Instant.now();
        pending.values().removeIf(p -> p.expiresAt().isBefore(now));
    }
}
