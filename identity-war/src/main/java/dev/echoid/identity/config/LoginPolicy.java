package dev.echoid.identity.config;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;

/**
 * How sign-in defends itself: OWASP's device cookies over Keycloak-style growing locks. After {@code maxFailures}
 * failed attempts for one (user name, client address) pair, or for one known browser (its device cookie), each
 * further failure locks that pair or cookie for {@code waitIncrement} more (up to {@code maxWait}); failures older
 * than {@code failureReset} are forgotten. One client address gets {@code maxFailuresPerAddress} (any user names),
 * and one user name {@code maxFailuresPerUser} from all addresses, before the same; the latter locks out only
 * browsers that never signed in as that user, unless {@code accountLockout} makes it lock the account for everyone.
 *
 * @param maxFailuresPerUser   failures of one user name from all addresses before new browsers are locked out
 * @param accountLockout       past {@code maxFailuresPerUser}, known browsers are locked out too
 * @param passwordMinLength    the shortest password a user may be given
 * @param mfaRequired          every user must pass a second factor (TOTP); clients may also require it
 * @param singleSession        a new sign-in ends the user's other sessions
 */
public record LoginPolicy(int maxFailures, int maxFailuresPerAddress, int maxFailuresPerUser, boolean accountLockout,
        Duration waitIncrement, Duration maxWait, Duration failureReset, int passwordMinLength, boolean mfaRequired,
        boolean singleSession) {

    public static final String MAX_FAILURES = "IDENTITY_BRUTE_FORCE_MAX_FAILURES";
    public static final String MAX_FAILURES_PER_ADDRESS = "IDENTITY_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS";
    public static final String MAX_FAILURES_PER_USER = "IDENTITY_BRUTE_FORCE_MAX_FAILURES_PER_USER";
    public static final String ACCOUNT_LOCKOUT = "IDENTITY_BRUTE_FORCE_ACCOUNT_LOCKOUT";
    public static final String WAIT_INCREMENT = "IDENTITY_BRUTE_FORCE_WAIT_INCREMENT_SECONDS";
    public static final String MAX_WAIT = "IDENTITY_BRUTE_FORCE_MAX_WAIT_SECONDS";
    public static final String FAILURE_RESET = "IDENTITY_BRUTE_FORCE_FAILURE_RESET_SECONDS";
    public static final String PASSWORD_MIN_LENGTH = "IDENTITY_PASSWORD_MIN_LENGTH";
    public static final String MFA_REQUIRED = "IDENTITY_MFA_REQUIRED";
    public static final String SINGLE_SESSION = "IDENTITY_SINGLE_SESSION";

    public LoginPolicy {
        positive(maxFailures, MAX_FAILURES);
        positive(maxFailuresPerAddress, MAX_FAILURES_PER_ADDRESS);
        positive(maxFailuresPerUser, MAX_FAILURES_PER_USER);
        positive(passwordMinLength, PASSWORD_MIN_LENGTH);
        if (waitIncrement.isNegative() || waitIncrement.isZero()) {
            throw new InvalidSettingException(WAIT_INCREMENT, "must be positive");
        }
        if (maxWait.compareTo(waitIncrement) < 0) {
            throw new InvalidSettingException(MAX_WAIT, "must not be less than " + WAIT_INCREMENT);
        }
        if (failureReset.isNegative() || failureReset.isZero()) {
            throw new InvalidSettingException(FAILURE_RESET, "must be positive");
        }
    }

    public static LoginPolicy from(SettingsSource source) {
        return new LoginPolicy(
                number(source, MAX_FAILURES, 5),
                number(source, MAX_FAILURES_PER_ADDRESS, 50),
                number(source, MAX_FAILURES_PER_USER, 100),
                flag(source, ACCOUNT_LOCKOUT),
                Duration.ofSeconds(number(source, WAIT_INCREMENT, 60)),
                Duration.ofSeconds(number(source, MAX_WAIT, 900)),
                Duration.ofSeconds(number(source, FAILURE_RESET, 43_200)),
                number(source, PASSWORD_MIN_LENGTH, 12),
                source.get(MFA_REQUIRED).map(Boolean::parseBoolean).orElse(false),
                source.get(SINGLE_SESSION).map(Boolean::parseBoolean).orElse(false));
    }

    /** {@code true} or {@code false}; anything else is refused, so a typo does not quietly mean "off". */
    private static boolean flag(SettingsSource source, String name) {
        return source.get(name).map(value -> {
            if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
                throw new InvalidSettingException(name, "must be true or false");
            }
            return Boolean.parseBoolean(value.trim());
        }).orElse(false);
    }

    /** What is wrong with a new password, if anything (length only: NIST SP 800-63B §5.1.1.2). */
    public java.util.Optional<String> problemWithNewPassword(String password) {
        if (password == null || password.codePointCount(0, password.length()) < passwordMinLength) {
            return java.util.Optional.of("must be at least " + passwordMinLength + " characters long");
        }
        if (password.length() > dev.echoid.identity.security.PasswordHasher.MAX_LENGTH) {
            return java.util.Optional.of("must be at most " + dev.echoid.identity.security.PasswordHasher.MAX_LENGTH
                    + " characters long");
        }
        return java.util.Optional.empty();
    }

    /** How long a key is locked after its {@code failures}-th failure (zero below the threshold). */
    public Duration lockAfter(int failures, int threshold) {
        return dev.echoid.identity.security.LoginThrottle.lockFor(failures, threshold, waitIncrement, maxWait);
    }

    private static int number(SettingsSource source, String name, int fallback) {
        return source.get(name).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, "must be a whole number");
            }
        }).orElse(fallback);
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new InvalidSettingException(name, "must be positive");
        }
    }
}
