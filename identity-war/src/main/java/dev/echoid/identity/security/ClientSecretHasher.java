package dev.echoid.identity.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client secrets are machine secrets (256 random bits when generated, at least 32 characters when an operator gives
 * one): a slow hash adds nothing to their strength, so they are stored as an HMAC-SHA-256 under a server key that is
 * never in the database ({@code IDENTITY_CLIENT_SECRET_KEY}), {@code hmac-sha256$<base64>}, and checked in
 * microseconds and in constant time. A secret stored by an earlier version as Argon2id ({@code $argon2id$...}) is
 * still accepted, through the {@link PasswordHasher} and its budget, and then reported for rewriting.
 */
public final class ClientSecretHasher {

    public static final String PREFIX = "hmac-sha256$";
    /** The least an operator-supplied secret may have: 32 characters, as for the admin and metrics tokens. */
    public static final int MIN_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    /** The outcome of one check. */
    public enum Verification {
        MATCH,
        /** the secret is right, but stored in a legacy form: store {@link #hash} of it instead */
        MATCH_REWRITE,
        NO_MATCH;

        public boolean matches() {
            return this != NO_MATCH;
        }
    }

    private final SecretKeySpec key;
    private final PasswordHasher legacy;
    private final byte[] dummy;

    /** For tools that only store new secrets (the admin CLI): a legacy Argon2id hash never matches here. */
    public ClientSecretHasher(byte[] key) {
        this(key, null);
    }

    /** @param key 32 bytes; {@code legacy} verifies the Argon2id hashes stored before */
    public ClientSecretHasher(byte[] key, PasswordHasher legacy) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("The client secret key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.legacy = legacy;
        this.dummy = mac("not a real client secret: equalises timing for unknown clients");
    }

    /** The stored form of a secret. */
    public String hash(String secret) {
        return PREFIX + B64.encodeToString(mac(secret));
    }

    /**
     * Checks a presented secret against its stored form, in constant time for an HMAC.
     *
     * @throws HashingBudget.Exhausted when the stored form is Argon2id and the hashing budget has no room for it
     */
    public Verification verify(String secret, String stored) {
        if (secret == null || stored == null || secret.length() > PasswordHasher.MAX_LENGTH) {
            return Verification.NO_MATCH;
        }
        if (stored.startsWith(PREFIX)) {
            byte[] expected;
            try {
                expected = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            } catch (IllegalArgumentException malformed) {
                return Verification.NO_MATCH;
            }
            return MessageDigest.isEqual(expected, mac(secret)) ? Verification.MATCH : Verification.NO_MATCH;
        }
        // a legacy Argon2id hash costs an Argon2id check, right or wrong, within the budget
        return legacy != null && legacy.verify(secret, stored) ? Verification.MATCH_REWRITE : Verification.NO_MATCH;
    }

    /** Spends the same time as checking a secret stored as an HMAC, for a client that does not exist. */
    public void verifyDummy(String secret) {
        MessageDigest.isEqual(dummy, mac(secret == null || secret.length() > PasswordHasher.MAX_LENGTH ? "" : secret));
    }

    private byte[] mac(String secret) {
        try {
            // a Mac is not thread-safe; a new one costs about a microsecond
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
