package dev.echoid.echo.oidc;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code jti}s of logout tokens already accepted, each remembered until a token carrying it would be refused as
 * too old anyway, so a captured token cannot be replayed. In memory and bounded: past {@link #capacity} entries the
 * forgotten first are the expired ones, then those closest to expiry.
 */
public final class SeenTokenIds {

    public static final int DEFAULT_CAPACITY = 10_000;

    private final Clock clock;
    private final int capacity;
    private final Map<String, Instant> rememberedUntil = new HashMap<>();

    public SeenTokenIds(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** Records {@code jti} until {@code until}; false when it was already recorded and has not been forgotten yet. */
    public synchronized boolean firstUse(String jti, Instant until) {
        Instant now = clock.instant();
        Instant known = rememberedUntil.get(jti);
        if (known != null && now.isBefore(known)) {
            return false;
        }
        if (rememberedUntil.size() >= capacity) {
            rememberedUntil.values().removeIf(t -> !now.isBefore(t));
        }
        while (rememberedUntil.size() >= capacity) {
            rememberedUntil.entrySet().stream().min(Map.Entry.comparingByValue())
                    .ifPresent(oldest -> rememberedUntil.remove(oldest.getKey()));
        }
        rememberedUntil.put(jti, until);
        return true;
    }

    public synchronized int size() {
        return rememberedUntil.size();
    }
}
