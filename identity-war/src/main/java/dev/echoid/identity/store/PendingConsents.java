package dev.echoid.identity.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Authorization requests of a signed-in person waiting for the consent page's answer, under the hash of their id,
 * bound to the hash of the browser's cookie and to the sign-on session that authenticated the person. Contract:
 * {@link #take} returns a request at most once.
 */
public interface PendingConsents {

    void save(String idHash, String browserHash, UUID ssoSessionId, String requestJson, Instant expiresAt);

    /** The request, if it waits for this browser and this sign-on session. */
    Optional<String> find(String idHash, String browserHash, UUID ssoSessionId, Instant now);

    /** Removes and returns the request, atomically. */
    Optional<String> take(String idHash, String browserHash, UUID ssoSessionId, Instant now);

    /** Removes at most {@code limit} requests that expired before {@code now}; how many (housekeeping). */
    int deleteExpired(Instant now, int limit);
}
