package dev.echoid.echo.oidc;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A PKCE code verifier and its S256 challenge.
 *
 * @param value 43 to 128 characters of {@code [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.1">RFC 7636 §4.1, §4.2</a>
 */
public record CodeVerifier(String value) implements Serializable {

    public static final String METHOD = "S256";

    public CodeVerifier {
        // RFC 7636 §4.1: code_verifier = high-entropy cryptographic random STRING ... min 43, max 128 characters.
        if (value == null || !value.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw new IllegalArgumentException("a code_verifier is 43 to 128 unreserved characters");
        }
    }

    /** 32 random bytes, base64url: 43 characters (RFC 7636 §4.1's recommendation). */
    public static CodeVerifier generate(RandomValues random) {
        return new CodeVerifier(random.next());
    }

    /** RFC 7636 §4.2: code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))). */
    public String challenge() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "CodeVerifier[****]";
    }
}
