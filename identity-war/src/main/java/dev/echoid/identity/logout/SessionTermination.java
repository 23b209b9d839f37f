package dev.echoid.identity.logout;

import dev.echoid.identity.login.SingleSignOn;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Grants;
import java.util.List;
import java.util.UUID;

/**
 * What follows the end of a sign-on session, whoever ended it: its online grants are revoked (offline ones, asked
 * for with {@code offline_access}, survive) and every client it signed in to is told over the back channel (the
 * statement that ended the session queued those logouts; the delivery is woken here and never waited for).
 */
public final class SessionTermination {

    private final SingleSignOn singleSignOn;
    private final Grants grants;
    private final BackchannelLogout backchannel;
    private final AuditLog audit;

    public SessionTermination(SingleSignOn singleSignOn, Grants grants, BackchannelLogout backchannel,
            AuditLog audit) {
        this.singleSignOn = singleSignOn;
        this.grants = grants;
        this.backchannel = backchannel;
        this.audit = audit;
    }

    /**
     * After one session ended: one LOGOUT event in the trail of each sign-in the session carried.
     *
     * @return the login ids of those sign-ins, oldest first (none when the session had none)
     */
    public List<String> ended(UUID sessionId, UUID userId, String username, String remoteAddress, String reason) {
        grants.revokeBySession(sessionId, Scope.OFFLINE_ACCESS, reason);
        List<String> loginIds = singleSignOn.loginIds(sessionId);
        for (String loginId : loginIds.isEmpty() ? java.util.Collections.<String>singletonList(null) : loginIds) {
            audit.record(AuditEvent.success(AuditEvent.Type.LOGOUT, null, userId, username, remoteAddress,
                    "sso session " + sessionId + " ended: " + reason).withLoginId(loginId));
        }
        backchannel.wake();
        return loginIds;
    }

    /** Ends every session of the user (the user's "sign out everywhere", or a new sign-in under a single-session policy). */
    public int endAll(UUID userId, String username, String remoteAddress, String reason) {
        List<UUID> ended = singleSignOn.endAllOf(userId);
        for (UUID sessionId : ended) {
            ended(sessionId, userId, username, remoteAddress, reason);
        }
        audit.record(AuditEvent.success(AuditEvent.Type.SESSIONS_ENDED, null, userId, username, remoteAddress,
                ended.size() + " session(s): " + reason));
        return ended.size();
    }
}
