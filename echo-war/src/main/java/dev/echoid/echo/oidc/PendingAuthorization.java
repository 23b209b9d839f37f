package dev.echoid.echo.oidc;

import java.io.Serializable;
import java.time.Instant;

/**
 * One sign-in the gateway started and has not finished: what the callback needs to check and resume it.
 *
 * @param state     the {@code state} sent to the provider (CSRF protection, RFC 6749 §10.12)
 * @param nonce     the {@code nonce} the ID token must carry (OIDC Core §3.1.2.1)
 * @param verifier  the PKCE code verifier (RFC 7636)
 * @param returnTo  the already validated same-origin path to land on afterwards
 * @param createdAt when the sign-in started
 */
public record PendingAuthorization(String state, String nonce, CodeVerifier verifier, String returnTo,
        Instant createdAt) implements Serializable {

    public static PendingAuthorization start(RandomValues random, String returnTo, Instant now) {
        return new PendingAuthorization(random.next(), random.next(), CodeVerifier.generate(random), returnTo, now);
    }

    @Override
    public String toString() {
        return "PendingAuthorization[returnTo=" + returnTo + ", createdAt=" + createdAt + "]";
    }
}
