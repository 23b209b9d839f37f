package dev.echoid.identity.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The back-channel logout outbox: one entry per ended sign-on session and client that takes logout tokens, written
 * with the end of the session ({@link SsoSessions#end}), delivered by the workers of any node, at least once.
 */
public interface BackchannelOutbox {

    /** Where an entry is: waiting for a (next) attempt, delivered, or given up (dead-lettered). */
    enum State {
        PENDING, DELIVERED, DEAD;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The state named {@code value} ({@code pending}, {@code delivered}, {@code dead}), if any. */
        public static Optional<State> of(String value) {
            for (State state : values()) {
                if (state.value().equals(value)) {
                    return Optional.of(state);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One logout to deliver: the token's {@code sid} ({@code ssoSessionId}), {@code sub} ({@code userId}) and
     * {@code aud} ({@code clientId}); {@code attempts} counts the attempts of the current round, a claim included.
     */
    record Entry(UUID id, UUID ssoSessionId, UUID userId, String clientId, URI backchannelLogoutUri, String loginId,
            State state, int attempts, Instant createdAt, Instant queuedAt, Instant nextAttemptAt, Instant finishedAt,
            String lastError) {
    }

    /**
     * Claims at most {@code limit} due pending entries for one attempt each: skips those another worker holds,
     * and keeps them from the others for {@code lease} (a node that dies mid-delivery leaves them due after it).
     */
    List<Entry> claimDue(int limit, Duration lease);

    /** Its attempt was answered 200 (or 204); false when the entry was no longer pending. */
    boolean delivered(UUID id);

    /**
     * Its attempt number {@code attempt} failed: due again after {@code delay}, or dead-lettered when it was the last
     * attempt allowed or the delay would take it past {@code maxAge} from its round's start, or {@code permanent}.
     *
     * @return the state it is left in, empty when the entry was meanwhile claimed again or finished
     */
    Optional<State> failed(UUID id, int attempt, Duration delay, int maxAttempts, Duration maxAge, boolean permanent,
            String error);

    /** Entries in {@code state}, newest first, at most {@code limit}. */
    List<Entry> list(State state, int limit);

    /** A dead letter back into the queue, a new round from now; the entry as it is then, empty if no dead one. */
    Optional<Entry> retry(UUID id);

    /** The entries per state, all nodes. */
    Map<State, Long> countByState();
}
