package dev.echoid.identity.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** SHA-256 as used by the protocol (PKCE, stored code hashes, JWK thumbprints). */
public final class Sha256 {

    private Sha256() {
    }

    public static byte[] digest(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    public static String base64Url(String input) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(input.getBytes(StandardCharsets.US_ASCII)));
    }
}
