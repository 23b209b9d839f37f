package dev.echoid.echo.oidc;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable protocol values ({@code state}, {@code nonce}, PKCE verifiers): random bytes, base64url. */
public final class RandomValues {

    /** 256 bits: comfortably above the 128 bits RFC 6749 §10.10 and RFC 7636 §7.1 ask for. */
    public static final int DEFAULT_BYTES = 32;

    private final SecureRandom random;

    public RandomValues(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        byte[] bytes = new byte[DEFAULT_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
