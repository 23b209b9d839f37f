package dev.echoid.identity.security;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values: authorization codes, ids, salts. */
public final class RandomTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    /** {@code bytes} random bytes, base64url without padding (32 bytes = 256 bits = 43 characters). */
    public static String base64Url(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(bytes));
    }

    public static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
