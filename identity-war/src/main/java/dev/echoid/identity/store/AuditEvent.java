package dev.echoid.identity.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One security-relevant event. Never holds a password, a secret, a code or a token.
 *
 * @param occurredAt when it happened; null in an event not yet recorded, which the audit log stamps with the
 *                   provider's clock as it records it ({@link #success}, {@link #failure})
 * @param loginId    the sign-in this event belongs to (created when {@code /authorize} accepted the request), or null
 */
public record AuditEvent(
        Instant occurredAt,
        Type type,
        Outcome outcome,
        String clientId,
        UUID userId,
        String username,
        String remoteAddress,
        String detail,
        String loginId) {

    public enum Type {
        LOGIN_SUCCEEDED, LOGIN_FAILED, CODE_ISSUED, CODE_REDEEMED, CODE_REUSED, CLIENT_AUTHENTICATION_FAILED,
        TOKEN_REQUEST_FAILED, TOKEN_REFRESHED, REFRESH_TOKEN_REUSED,
        // a rotated refresh token presented again within the retry window, its successor unused: a lost answer
        TOKEN_REFRESH_RETRIED, CLIENT_CREDENTIALS_ISSUED, TOKEN_REVOKED,
        LOGOUT, MFA_ENROLMENT, MFA_SUCCEEDED, MFA_FAILED, SESSIONS_ENDED, ACCOUNT_UNLOCKED, AUTHORIZATION_REQUESTED,
        // the consent page's answers (OIDC Core §11)
        CONSENT_GRANTED, CONSENT_DENIED,
        // an operator's changes (the admin CLI)
        USER_CREATED, USER_DISABLED, USER_ENABLED, USER_DELETED, CLIENT_REGISTERED, CLIENT_DELETED,
        SIGNING_KEY_ROTATED,
        // secrets at rest: signing keys and TOTP secrets sealed, the audit chain keyed
        SECRETS_SEALED, AUDIT_CHAIN_KEYED,
        // a client secret stored as Argon2id by an earlier version, rewritten as an HMAC at its first use
        CLIENT_SECRET_REHASHED
    }

    public enum Outcome { SUCCESS, FAILURE }

    public static AuditEvent success(Type type, String clientId, UUID userId, String username, String remoteAddress,
            String detail) {
        return new AuditEvent(null, type, Outcome.SUCCESS, clientId, userId, username, remoteAddress, detail,
                null);
    }

    public static AuditEvent failure(Type type, String clientId, UUID userId, String username, String remoteAddress,
            String detail) {
        return new AuditEvent(null, type, Outcome.FAILURE, clientId, userId, username, remoteAddress, detail,
                null);
    }

    /** The same event, belonging to the sign-in {@code loginId} (null: none). */
    public AuditEvent withLoginId(String loginId) {
        return new AuditEvent(occurredAt, type, outcome, clientId, userId, username, remoteAddress, detail, loginId);
    }
}
