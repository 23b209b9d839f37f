package dev.echoid.identity.login;

import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import java.util.Optional;

/**
 * Checks a user name and password. Every refusal looks the same to the person and costs the same hashing work: an
 * unknown user, a wrong password, a disabled or a locked account. A password stored under outdated hashing
 * parameters is rehashed at a successful sign-in. Every check runs within the hashing budget; when it is spent,
 * {@link HashingBudget.Exhausted} reaches the caller before anything is counted or audited.
 */
public final class Authenticator {

    /** The audit detail of an attempt refused because a lock was in force (the metrics count these apart). */
    public static final String LOCKED = "locked (too many failures)";

    private final Users users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final BruteForceProtection bruteForce;

    public Authenticator(Users users, PasswordHasher hasher, AuditLog audit, BruteForceProtection bruteForce) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.bruteForce = bruteForce;
    }

    /** @param loginId the sign-in this attempt belongs to (audit trail) */
    public Optional<User> authenticate(String username, String password, String clientId, String remoteAddress,
            String loginId) {
        String name = username == null ? "" : username.trim();
        String secret = password == null ? "" : password;
        if (name.isEmpty() || name.length() > 200 || secret.length() > PasswordHasher.MAX_LENGTH) {
            hasher.verifyDummy(secret.length() > PasswordHasher.MAX_LENGTH ? "" : secret);
            return failed(name, clientId, remoteAddress, null, "malformed credentials", loginId);
        }
        String accountKey = BruteForceProtection.userKey(name);
        if (bruteForce.isLocked(accountKey, BruteForceProtection.addressKey(remoteAddress))) {
            // the same work and the same answer as any other refusal: a lock reveals nothing
            hasher.verifyDummy(secret);
            return failed(name, clientId, remoteAddress, null, LOCKED, loginId);
        }
        Optional<User> user = users.findByUsername(name);
        if (user.isEmpty()) {
            hasher.verifyDummy(secret);
            bruteForce.failed(accountKey, remoteAddress);
            return failed(name, clientId, remoteAddress, null, "unknown user", loginId);
        }
        if (!hasher.verify(secret, user.get().passwordHash())) {
            bruteForce.failed(accountKey, remoteAddress);
            return failed(name, clientId, remoteAddress, user.get(), "wrong password", loginId);
        }
        if (!user.get().enabled()) {
            return failed(name, clientId, remoteAddress, user.get(), "account disabled", loginId);
        }
        bruteForce.succeeded(accountKey);
        if (hasher.needsRehash(user.get().passwordHash())) {
            try {
                users.updatePasswordHash(user.get().id(), hasher.hash(secret));
            } catch (HashingBudget.Exhausted busy) {
                // the sign-in stands; the rehash waits for the next one
            }
        }
        audit.record(AuditEvent.success(AuditEvent.Type.LOGIN_SUCCEEDED, clientId, user.get().id(), name,
                remoteAddress, null).withLoginId(loginId));
        return user;
    }

    private Optional<User> failed(String username, String clientId, String remoteAddress, User user, String why,
            String loginId) {
        audit.record(AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, clientId, user == null ? null : user.id(),
                username, remoteAddress, why).withLoginId(loginId));
        return Optional.empty();
    }
}
