package dev.echoid.identity.login;

import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.TotpCredentials;
import dev.echoid.identity.store.User;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * TOTP as the second factor: enrolment (shown once, confirmed with a first code), verification with single use per
 * time step and failure counting of its own, and the rule of when it is required.
 */
public final class SecondFactor {

    /** The issuer label shown in authenticator apps. */
    public static final String APP_LABEL = "EchoID";

    private final TotpCredentials credentials;
    private final Sealer sealer;
    private final BruteForceProtection bruteForce;
    private final AuditLog audit;
    private final boolean requiredForEveryone;
    private final Clock clock;

    public SecondFactor(TotpCredentials credentials, Sealer sealer, BruteForceProtection bruteForce, AuditLog audit,
            boolean requiredForEveryone, Clock clock) {
        this.credentials = credentials;
        this.sealer = sealer;
        this.bruteForce = bruteForce;
        this.audit = audit;
        this.requiredForEveryone = requiredForEveryone;
        this.clock = clock;
    }

    public boolean isEnrolled(UUID userId) {
        return credentials.find(userId).isPresent();
    }

    /** A second factor is asked when the user has one, and demanded (enrolment first) when policy says so. */
    public boolean isRequired(Client client) {
        return requiredForEveryone || client.requireMfa();
    }

    /** A new secret, not stored until the user proves with a code that the app has it. */
    public byte[] newSecret() {
        return Totp.newSecret();
    }

    public String keyUri(User user, byte[] secret) {
        return Totp.keyUri(APP_LABEL, user.username(), secret);
    }

    /** Stores the secret when {@code code} is right for it now; the code is used up by this. */
    public boolean confirmEnrolment(User user, byte[] secret, String code, String remoteAddress) {
        OptionalLong step = Totp.matchingStep(secret, code == null ? null : code.trim(), clock.instant());
        if (step.isEmpty()) {
            audit.record(AuditEvent.failure(AuditEvent.Type.MFA_ENROLMENT, null, user.id(), user.username(),
                    remoteAddress, "wrong confirmation code"));
            return false;
        }
        credentials.save(user.id(), sealer.seal(secret), step.getAsLong());
        audit.record(AuditEvent.success(AuditEvent.Type.MFA_ENROLMENT, null, user.id(), user.username(),
                remoteAddress, null));
        return true;
    }

    /**
     * Checks a code at sign-in: right, in the window, not used before, and the user not locked out. The attempt is
     * reserved before the code is checked, so parallel guesses get no more checks than the allowance.
     *
     * @param loginId the sign-in, for the audit trail
     */
    public boolean verify(User user, String code, String clientId, String remoteAddress, String loginId) {
        Optional<BruteForceProtection.Attempt> reserved = bruteForce.reserveSecondFactor(user.id(), user.username());
        if (reserved.isEmpty()) {
            return failed(user, clientId, remoteAddress, Authenticator.LOCKED, loginId);
        }
        try (BruteForceProtection.Attempt attempt = reserved.get()) {
            var credential = credentials.find(user.id());
            if (credential.isEmpty()) {
                return failed(user, clientId, remoteAddress, "not enrolled", loginId);
            }
            OptionalLong step = Totp.matchingStep(sealer.open(credential.get().sealedSecret()),
                    code == null ? null : code.trim(), clock.instant());
            // RFC 6238 §5.2: a code is accepted once; the atomic update refuses a step already used (or an older one)
            if (step.isEmpty() || !credentials.use(user.id(), step.getAsLong())) {
                attempt.failed();
                return failed(user, clientId, remoteAddress, step.isEmpty() ? "wrong code" : "code already used",
                        loginId);
            }
            attempt.succeeded();
        }
        audit.record(AuditEvent.success(AuditEvent.Type.MFA_SUCCEEDED, clientId, user.id(), user.username(),
                remoteAddress, null).withLoginId(loginId));
        return true;
    }

    public boolean reset(UUID userId) {
        return credentials.delete(userId);
    }

    private boolean failed(User user, String clientId, String remoteAddress, String why, String loginId) {
        audit.record(AuditEvent.failure(AuditEvent.Type.MFA_FAILED, clientId, user.id(), user.username(),
                remoteAddress, why).withLoginId(loginId));
        return false;
    }
}
