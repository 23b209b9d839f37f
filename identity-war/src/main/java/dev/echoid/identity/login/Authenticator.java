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
 * unknown user, a wrong password, a disabled or a locked account. The attempt is reserved with the brute-force
 * defence before the hash runs, so parallel guesses cannot outrun the count. A password stored under outdated
 * hashing parameters is rehashed at a successful sign-in. Every check runs within the hashing budget; when it is
 * spent, {@link HashingBudget.Exhausted} reaches the caller before anything is counted or audited (the reserved
 * attempt is given back).
 */
public final class Authenticator {

    /** The audit detail of an attempt refused because a lock was in force (the metrics count these apart). */
    public static final String LOCKED = "locked (too many failures)";

    private final Users users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final BruteForceProtection bruteForce;
    private final DeviceCookies deviceCookies;

    public Authenticator(Users users, PasswordHasher hasher, AuditLog audit, BruteForceProtection bruteForce,
            DeviceCookies deviceCookies) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.bruteForce = bruteForce;
        this.deviceCookies = deviceCookies;
    }

    /** An attempt from a browser without a device cookie. */
    public Optional<User> authenticate(String username, String password, String clientId, String remoteAddress,
            String loginId) {
        return authenticate(username, password, clientId, ClientDevice.at(remoteAddress), loginId);
    }

    /** @param loginId the sign-in this attempt belongs to (audit trail) */
    public Optional<User> authenticate(String username, String password, String clientId, ClientDevice from,
            String loginId) {
        // one form of the name for the lookup, the counts and the audit trail: ＡＬＩＣＥ and Alice are alice
        String name = UserName.canonical(username);
        String secret = password == null ? "" : password;
        String address = from.address();
        if (name.isEmpty() || name.length() > 200 || secret.length() > PasswordHasher.MAX_LENGTH) {
            hasher.verifyDummy(secret.length() > PasswordHasher.MAX_LENGTH ? "" : secret,
                    hashingSource(address, Optional.empty()));
            return failed(name, clientId, address, null, "malformed credentials", loginId);
        }
        Optional<String> device = deviceCookies.device(name, from.deviceCookie());
        // whose share of the hashing budget this check takes: a browser known for this user has its own, so a flood
        // from its address (the same network, or the same NAT) does not crowd it out
        String source = hashingSource(address, device);
        Optional<BruteForceProtection.Attempt> reserved = bruteForce.reservePassword(name, address, device);
        if (reserved.isEmpty()) {
            // the same work and the same answer as any other refusal: a lock reveals nothing
            hasher.verifyDummy(secret, source);
            return failed(name, clientId, address, null, LOCKED, loginId);
        }
        User found;
        try (BruteForceProtection.Attempt attempt = reserved.get()) {
            Optional<User> user = find(name, username.strip());
            if (user.isEmpty()) {
                hasher.verifyDummy(secret, source);
                attempt.failed();
                return failed(name, clientId, address, null, "unknown user", loginId);
            }
            if (!hasher.verify(secret, user.get().passwordHash(), source)) {
                attempt.failed();
                return failed(name, clientId, address, user.get(), "wrong password", loginId);
            }
            if (!user.get().enabled()) {
                return failed(name, clientId, address, user.get(), "account disabled", loginId);
            }
            attempt.succeeded();
            found = user.get();
        }
        if (hasher.needsRehash(found.passwordHash())) {
            try {
                users.updatePasswordHash(found.id(), hasher.hash(secret));
            } catch (HashingBudget.Exhausted busy) {
                // the sign-in stands; the rehash waits for the next one
            }
        }
        audit.record(AuditEvent.success(AuditEvent.Type.LOGIN_SUCCEEDED, clientId, found.id(), name, address, null)
                .withLoginId(loginId));
        return Optional.of(found);
    }

    /** The hashing budget's source of a check: the browser known by its device cookie, else the client's network. */
    static String hashingSource(String address, Optional<String> device) {
        return device.map(BruteForceProtection::deviceKey).orElseGet(() -> BruteForceProtection.addressKey(address));
    }

    /**
     * The user of a canonical name; a name stored before canonical names (with a character that case folding
     * changes beyond lower case, such as ß) is still found as it was typed.
     */
    private Optional<User> find(String canonical, String typed) {
        Optional<User> user = users.findByUsername(canonical);
        return user.isPresent() || canonical.equals(typed) ? user : users.findByUsername(typed);
    }

    private Optional<User> failed(String username, String clientId, String remoteAddress, User user, String why,
            String loginId) {
        audit.record(AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, clientId, user == null ? null : user.id(),
                username, remoteAddress, why).withLoginId(loginId));
        return Optional.empty();
    }
}
