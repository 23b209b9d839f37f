package dev.echoid.identity.store;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Sign-on sessions, found by the SHA-256 of the browser's secret. */
public interface SsoSessions {

    /** A client the session signed in to, with where it takes back-channel logout tokens (or null). */
    record SignedInClient(String clientId, URI backchannelLogoutUri, String loginId) {
    }

    void create(SsoSession session, String secretHash);

    Optional<SsoSession> findBySecret(String secretHash);

    /** Records activity (idle lifetime) and, after re-authentication, a new {@code authTime}. */
    void touch(UUID id, Instant lastSeenAt, Instant authTime);

    Optional<SsoSession> find(UUID id);
    /** The user authenticated again in this session, in the sign-in {@code loginId}. */
    void reauthenticated(UUID id, Instant authTime, String loginId);

    /** The login id of the sign-in that last authenticated in the session, if the session exists. */
    java.util.Optional<String> loginIdOf(UUID id);

    /** Every sign-in (login id) of the session: the one that authenticated, and each code issued in it. */
    List<String> loginIdsOf(UUID id);

    /**
     * Ends the session; true when it was active. With it, atomically, one back-channel logout per client the
     * session signed in to that takes logout tokens goes into the {@link BackchannelOutbox}.
     */
    boolean end(UUID id);

    /** Ends every live session of a user, as {@link #end} does each; the ids of those that were live. */
    List<UUID> endAllOf(UUID userId);

    /** Records how the user authenticated in the session (space-separated RFC 8176 values). */
    void setAmr(UUID id, String amr);

    /** The sessions live at {@code now}: not ended, not past their absolute or idle ({@code idleTtl}) lifetime. */
    long countActive(Instant now, java.time.Duration idleTtl);

    /** Every client that received a code in this session, with the login id of its latest code there. */
    List<SignedInClient> clientsOf(UUID id);
}
