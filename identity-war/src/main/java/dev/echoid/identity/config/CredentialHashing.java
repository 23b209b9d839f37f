package dev.echoid.identity.config;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

/**
 * How credentials are hashed, by kind: client secrets with an HMAC under {@code clientSecretKey}, human passwords
 * with Argon2id within a budget of {@code concurrency} computations at once, {@code queue} more waiting at most
 * {@code queueTimeout}. Read once at start-up, validated.
 *
 * @param devKey the client secret key is the fixed development key (dev mode without the setting)
 */
public record CredentialHashing(byte[] clientSecretKey, boolean devKey, int concurrency, int queue,
        Duration queueTimeout) {

    public static final String CLIENT_SECRET_KEY = "IDENTITY_CLIENT_SECRET_KEY";
    public static final String CONCURRENCY = "IDENTITY_PASSWORD_HASH_CONCURRENCY";
    public static final String QUEUE = "IDENTITY_PASSWORD_HASH_QUEUE";
    public static final String QUEUE_TIMEOUT = "IDENTITY_PASSWORD_HASH_QUEUE_TIMEOUT_MILLIS";
    private static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofMillis(2000);
    private static final Logger LOG = System.getLogger(CredentialHashing.class.getName());

    public CredentialHashing {
        if (clientSecretKey == null || clientSecretKey.length != 32) {
            throw new InvalidSettingException(CLIENT_SECRET_KEY, "must be 32 bytes, base64-encoded "
                    + "(e.g. openssl rand -base64 32)");
        }
        if (concurrency < 1) {
            throw new InvalidSettingException(CONCURRENCY, "must be at least 1");
        }
        if (queue < 0) {
            throw new InvalidSettingException(QUEUE, "must not be negative");
        }
        if (queueTimeout.isNegative()) {
            throw new InvalidSettingException(QUEUE_TIMEOUT, "must not be negative");
        }
        clientSecretKey = clientSecretKey.clone();
    }

    public static CredentialHashing from(SettingsSource source) {
        boolean devMode = source.get(IdentitySettings.DEV_MODE).map(Boolean::parseBoolean).orElse(false);
        byte[] key = clientSecretKey(source);
        int concurrency = number(source, CONCURRENCY, Runtime.getRuntime().availableProcessors());
        return new CredentialHashing(key, devMode && source.get(CLIENT_SECRET_KEY).isEmpty(), concurrency,
                number(source, QUEUE, 4 * concurrency),
                Duration.ofMillis(number(source, QUEUE_TIMEOUT, (int) DEFAULT_QUEUE_TIMEOUT.toMillis())));
    }

    @Override
    public byte[] clientSecretKey() {
        return clientSecretKey.clone();
    }

    /**
     * {@value #CLIENT_SECRET_KEY}, decoded and checked; required outside dev mode, a fixed development key (with a
     * warning) in dev mode without it. Also for the admin CLI, which must hash client secrets as the provider does.
     */
    public static byte[] clientSecretKey(SettingsSource source) {
        var value = source.get(CLIENT_SECRET_KEY);
        if (value.isPresent()) {
            byte[] key = decode(value.get());
            if (key == null || key.length != 32) {
                throw new InvalidSettingException(CLIENT_SECRET_KEY, "must be 32 bytes, base64-encoded "
                        + "(e.g. openssl rand -base64 32)");
            }
            return key;
        }
        if (!source.get(IdentitySettings.DEV_MODE).map(Boolean::parseBoolean).orElse(false)) {
            throw new InvalidSettingException(CLIENT_SECRET_KEY, "is required (32 random bytes, base64: "
                    + "openssl rand -base64 32); it keys the HMAC of client secrets and is never in the database");
        }
        LOG.log(Level.WARNING, CLIENT_SECRET_KEY + " is not set: client secrets are keyed with a fixed, public "
                + "development key (dev mode only; a production deployment must set it)");
        return developmentKey();
    }

    private static byte[] developmentKey() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(
                    "EchoID development-only client secret key: public, never for production"
                            .getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // standard or URL-safe base64, padded or not: what openssl and the launcher write
    private static byte[] decode(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(value);
            } catch (IllegalArgumentException notUrlSafe) {
                return null;
            }
        }
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
}
