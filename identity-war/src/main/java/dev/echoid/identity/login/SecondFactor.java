package dev.echoid.identity.login;

import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.TotpCredentials;
import dev.echoid.identity.store.User;
import java.lang.System.Logger;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * TOTP as the second factor: enrolment (shown once, confirmed with a first code), verification with single use per
 * time step and failure counting of its own, and the rule of when it is required.
 */
public final class SecondFactor {

    private static final Logger LOG = System.getLogger(SecondFactor.class.getName());

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

    /** What became of an enrolment. */
    public enum Enrolment {
        ENROLLED,
        /** The code does not match the new secret now. */
        WRONG_CODE,
        /** A replacement without a right current code of the authenticator it replaces. */
        WRONG_CURRENT_CODE,
        /** The user has a second factor already (perhaps enrolled a moment ago elsewhere): it was kept. */
        ALREADY_ENROLLED
    }

    /**
     * Stores the secret when {@code code} is right for it now (the code is used up by this), and only when the user
     * has no second factor: insert-only, so a repeated or concurrent enrolment never overwrites one.
     *
     * @param loginId the sign-in it happens in, for the audit trail (null: from the account page)
     */
    public Enrolment confirmEnrolment(User user, byte[] secret, String code, String remoteAddress, String clientId,
            String loginId) {
        OptionalLong step = Totp.matchingStep(secret, code == null ? null : code.trim(), clock.instant());
        if (step.isEmpty()) {
            return enrolmentFailed(user, Enrolment.WRONG_CODE, remoteAddress, clientId, loginId,
                    "wrong confirmation code");
        }
        if (!credentials.save(user.id(), sealer.seal(secret), step.getAsLong())) {
            return enrolmentFailed(user, Enrolment.ALREADY_ENROLLED, remoteAddress, clientId, loginId,
                    "already enrolled: the existing credential was kept");
        }
        audit.record(AuditEvent.success(AuditEvent.Type.MFA_ENROLMENT, clientId, user.id(), user.username(),
                remoteAddress, null).withLoginId(loginId));
        return Enrolment.ENROLLED;
    }

    /**
     * Replaces the user's authenticator from the account page: the new secret's code must be right, and so must a
     * current code of the old authenticator (checked, counted and used up as at sign-in). The old credential is
     * swapped atomically only while it is still the one that code was checked against. Without a second factor this
     * is a first enrolment.
     */
    public Enrolment replaceEnrolment(User user, String currentCode, byte[] secret, String code,
            String remoteAddress) {
        var existing = credentials.find(user.id());
        if (existing.isEmpty()) {
            return confirmEnrolment(user, secret, code, remoteAddress, null, null);
        }
        OptionalLong step = Totp.matchingStep(secret, code == null ? null : code.trim(), clock.instant());
        if (step.isEmpty()) {
            return enrolmentFailed(user, Enrolment.WRONG_CODE, remoteAddress, null, null,
                    "wrong confirmation code (replacement)");
        }
        if (!verify(user, currentCode, null, remoteAddress, null)) {
            return enrolmentFailed(user, Enrolment.WRONG_CURRENT_CODE, remoteAddress, null, null,
                    "replacement refused: no right code of the current authenticator");
        }
        if (!credentials.replace(user.id(), existing.get().sealedSecret(), sealer.seal(secret), step.getAsLong())) {
            return enrolmentFailed(user, Enrolment.ALREADY_ENROLLED, remoteAddress, null, null,
                    "replacement refused: the credential changed meanwhile");
        }
        audit.record(AuditEvent.success(AuditEvent.Type.MFA_ENROLMENT, null, user.id(), user.username(),
                remoteAddress, "replaced the authenticator"));
        return Enrolment.ENROLLED;
    }

    /**
     * During sign-in, enrolment is offered only to a user without a second factor: with the password alone, one who
     * has an authenticator could otherwise skip it, or replace it with one of their own. The refusal is audited.
     */
    public boolean mayEnrolDuringSignIn(User user, String clientId, String remoteAddress, String loginId) {
        if (!isEnrolled(user.id())) {
            return true;
        }
        enrolmentFailed(user, Enrolment.ALREADY_ENROLLED, remoteAddress, clientId, loginId,
                "enrolment during sign-in refused: the user has a second factor");
        return false;
    }

    private Enrolment enrolmentFailed(User user, Enrolment why, String remoteAddress, String clientId, String loginId,
            String detail) {
        audit.record(AuditEvent.failure(AuditEvent.Type.MFA_ENROLMENT, clientId, user.id(), user.username(),
                remoteAddress, detail).withLoginId(loginId));
        return why;
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
            byte[] secret;
            try {
                secret = sealer.open(credential.get().sealedSecret());
            } catch (Sealer.UnsealedSecretException e) {
                // never use a secret the provider did not seal: it may have been planted in the database
                LOG.log(Logger.Level.ERROR, "The TOTP secret of user " + user.id() + " is refused: " + e.getMessage());
                return failed(user, clientId, remoteAddress, "stored secret refused: unsealed", loginId);
            }
            OptionalLong step = Totp.matchingStep(secret, code == null ? null : code.trim(), clock.instant());
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
