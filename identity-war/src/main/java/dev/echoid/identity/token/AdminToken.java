package dev.echoid.identity.token;

import dev.echoid.identity.security.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The static bearer token of the admin endpoints ({@code IDENTITY_ADMIN_TOKEN}). Only its SHA-256 is kept, and
 * comparing digests takes the same time whatever the presented token, so timing reveals neither content nor length.
 */
public final class AdminToken {

    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> expectedDigest;

    public AdminToken(Optional<String> token) {
        this.expectedDigest = token.map(AdminToken::digest);
    }

    /** Whether a token is configured; without one the admin endpoints do not exist. */
    public boolean configured() {
        return expectedDigest.isPresent();
    }

    /** Whether an {@code Authorization} header carries the token (RFC 6750 §2.1; the scheme is case-insensitive). */
    public boolean acceptsHeader(String authorization) {
        if (expectedDigest.isEmpty() || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(expectedDigest.get(), digest(authorization.substring(BEARER.length()).trim()));
    }

    private static byte[] digest(String token) {
        return Sha256.digest(token.getBytes(StandardCharsets.UTF_8));
    }
}
