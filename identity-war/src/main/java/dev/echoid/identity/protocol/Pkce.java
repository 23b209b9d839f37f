package dev.echoid.identity.protocol;

import dev.echoid.identity.security.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * Proof Key for Code Exchange, S256 only.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636">RFC 7636</a>
 */
public final class Pkce {

    public static final String S256 = "S256";

    // RFC 7636 §4.1: code-verifier = 43*128unreserved; §4.2: the S256 challenge is 43 base64url characters
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");

    private Pkce() {
    }

    public static boolean isWellFormedChallenge(String challenge) {
        return CHALLENGE.matcher(challenge).matches();
    }

    public static boolean isWellFormedVerifier(String verifier) {
        return VERIFIER.matcher(verifier).matches();
    }

    /** BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2). */
    public static String challengeOf(String verifier) {
        return Sha256.base64Url(verifier);
    }

    /** RFC 7636 §4.6: the server MUST verify the verifier against the challenge; compared in constant time. */
    public static boolean matches(String verifier, String challenge) {
        return isWellFormedVerifier(verifier) && MessageDigest.isEqual(
                challengeOf(verifier).getBytes(StandardCharsets.US_ASCII),
                challenge.getBytes(StandardCharsets.US_ASCII));
    }
}
