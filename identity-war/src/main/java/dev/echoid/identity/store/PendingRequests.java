package dev.echoid.identity.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Authorization requests waiting for sign-in, under the hash of their id and bound to the hash of the browser's
 * cookie. Contract: {@link #take} returns a request at most once.
 */
public interface PendingRequests {

    record PendingRequest(String requestJson, UUID passwordVerifiedUser) {
    }

    void save(String idHash, String browserHash, String requestJson, Instant expiresAt);

    Optional<PendingRequest> find(String idHash, String browserHash, Instant now);

    /** Removes and returns the request, atomically. */
    Optional<PendingRequest> take(String idHash, String browserHash, Instant now);

    void passwordVerified(String idHash, String browserHash, UUID userId);

    /** Removes at most {@code limit} requests that expired before {@code now}; how many (housekeeping). */
    int deleteExpired(Instant now, int limit);
}
