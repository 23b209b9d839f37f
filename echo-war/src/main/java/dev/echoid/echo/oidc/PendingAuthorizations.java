package dev.echoid.echo.oidc;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The sign-ins started in one browser session and not yet finished, so two tabs can sign in at once. Bounded
 * ({@link #MAX_PENDING}, oldest dropped first) and each entry expires after {@link #LIFETIME}. Kept in the HTTP
 * session; not thread-safe on its own, callers synchronize on it.
 */
public final class PendingAuthorizations implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String SESSION_ATTRIBUTE = PendingAuthorizations.class.getName();
    public static final int MAX_PENDING = 5;
    public static final Duration LIFETIME = Duration.ofMinutes(10);

    private final ArrayList<PendingAuthorization> pending = new ArrayList<>();

    public void add(PendingAuthorization authorization) {
        pending.add(authorization);
        while (pending.size() > MAX_PENDING) {
            pending.remove(0);
        }
    }

    /**
     * Removes and returns the unexpired entry whose state equals {@code state}. Every entry is compared in constant
     * time so the comparison does not reveal how much of a guess was right.
     */
    public Optional<PendingAuthorization> take(String state, Instant now) {
        pending.removeIf(p -> !now.isBefore(p.createdAt().plus(LIFETIME)));
        if (state == null || state.isEmpty()) {
            return Optional.empty();
        }
        PendingAuthorization match = null;
        for (PendingAuthorization p : pending) {
            if (IdTokenVerifier.constantTimeEquals(p.state(), state)) {
                match = p;
            }
        }
        if (match != null) {
            pending.remove(match);
        }
        return Optional.ofNullable(match);
    }

    public int size() {
        return pending.size();
    }
}
