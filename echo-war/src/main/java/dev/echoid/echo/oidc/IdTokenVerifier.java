package dev.echoid.echo.oidc;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.echo.oidc.IdTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies ID tokens: at the callback (with the nonce) and on every request (the token kept in the session).
 *
 * <p>The algorithm is never taken on the token's word (see {@link JwsSignature}).
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OpenID Connect Core 1.0
 *         §3.1.3.7</a>
 */
public final class IdTokenVerifier {

    /** What java-jwt can verify with a public key; PS256 is absent because java-jwt has no RSASSA-PSS. */
    public static final Set<String> IMPLEMENTED_ALGORITHMS = JwsSignature.IMPLEMENTED_ALGORITHMS;

    private final String issuer;
    private final String clientId;
    private final Duration clockSkew;
    private final Clock clock;
    private final JwsSignature signature;

    public IdTokenVerifier(String issuer, String clientId, Duration clockSkew, Clock clock,
            ProviderDiscovery discovery, JwkSet keys) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clockSkew = clockSkew;
        this.clock = clock;
        this.signature = new JwsSignature(discovery, keys);
    }

    /** Re-verifies a token already accepted once: signature, {@code iss}, {@code aud}, {@code exp}. */
    public VerifiedIdentity verify(String idToken) {
        return verify(idToken, null);
    }

    /**
     * Verifies a token fresh from the token endpoint, including the nonce sent in the authorization request.
     *
     * @param expectedNonce the nonce kept for this sign-in; null only when re-verifying a session's token
     * @throws IdTokenException  naming the first check that failed
     * @throws ProviderException when discovery or the JWK Set cannot be fetched
     */
    public VerifiedIdentity verify(String idToken, String expectedNonce) {
        DecodedJWT jwt = signature.verify(idToken);
        try {
            return checkClaims(jwt, expectedNonce);
        } catch (JWTDecodeException e) {
            throw new IdTokenException(Reason.MALFORMED, "a claim has the wrong type: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies an ID token that a refresh returned (signature, {@code iss}, {@code aud}, {@code exp}) and checks it
     * describes the same sign-in as the token it replaces, which the session accepted earlier.
     *
     * @throws IdTokenException  naming the first check that failed ({@code REFRESH_MISMATCH} for the comparison)
     * @throws ProviderException when discovery or the JWK Set cannot be fetched
     * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse">OpenID Connect Core
     *         1.0 §12.2</a>
     */
    public VerifiedIdentity verifyRefreshed(String idToken, String previousIdToken) {
        VerifiedIdentity identity = verify(idToken, null);
        DecodedJWT fresh = JWT.decode(idToken);
        DecodedJWT previous = JWT.decode(previousIdToken);
        try {
            // §12.2: its iss and sub Claim Values MUST be the same as in the ID Token issued when the original
            // authentication occurred.
            requireSame("iss", previous.getIssuer(), fresh.getIssuer());
            requireSame("sub", previous.getSubject(), fresh.getSubject());
            // §12.2: its aud Claim Value MUST be the same as in the original ID Token.
            requireSame("aud", Set.copyOf(previous.getAudience()), Set.copyOf(fresh.getAudience()));
            // §12.2: its azp Claim Value MUST be the same; without one originally, one MUST NOT be present.
            requireSame("azp", previous.getClaim("azp").asString(), fresh.getClaim("azp").asString());
            // §12.2: an auth_time Claim MUST represent the time of the original authentication.
            Claim authTime = fresh.getClaim("auth_time");
            Claim originalAuthTime = previous.getClaim("auth_time");
            if (!authTime.isMissing() && !originalAuthTime.isMissing()) {
                requireSame("auth_time", originalAuthTime.asLong(), authTime.asLong());
            }
            // A nonce, if any, can only be the one of the original sign-in; a refresh sends none to check against.
            String nonce = fresh.getClaim("nonce").asString();
            if (nonce != null) {
                requireSame("nonce", previous.getClaim("nonce").asString(), nonce);
            }
        } catch (JWTDecodeException e) {
            throw new IdTokenException(Reason.MALFORMED, "a claim has the wrong type: " + e.getMessage(), e);
        }
        return identity;
    }

    private static void requireSame(String claim, Object original, Object renewed) {
        if (!Objects.equals(original, renewed)) {
            throw new IdTokenException(Reason.REFRESH_MISMATCH, claim + " differs from the original ID token's");
        }
    }

    private VerifiedIdentity checkClaims(DecodedJWT jwt, String expectedNonce) {
        Instant now = clock.instant();
        // §3.1.3.7 (2): the Issuer Identifier MUST exactly match the value of the iss Claim.
        if (!issuer.equals(jwt.getIssuer())) {
            throw new IdTokenException(Reason.WRONG_ISSUER, "iss '" + jwt.getIssuer() + "' is not '" + issuer + "'");
        }
        // §3.1.3.7 (3): the aud Claim MUST contain the client_id.
        List<String> audience = jwt.getAudience();
        if (audience == null || !audience.contains(clientId)) {
            throw new IdTokenException(Reason.WRONG_AUDIENCE, "aud " + audience + " does not contain our client_id");
        }
        // §3.1.3.7 (4, 5): with several audiences azp must be present, and when present it must be our client_id.
        String azp = jwt.getClaim("azp").asString();
        if ((audience.size() > 1 && azp == null) || (azp != null && !azp.equals(clientId))) {
            throw new IdTokenException(Reason.WRONG_AUTHORIZED_PARTY, "azp '" + azp + "' is not our client_id");
        }
        // §3.1.3.7 (9): the current time MUST be before the time represented by the exp Claim.
        Instant expiresAt = jwt.getExpiresAtAsInstant();
        if (expiresAt == null) {
            throw new IdTokenException(Reason.MISSING_CLAIM, "no exp");
        }
        if (!now.isBefore(expiresAt.plus(clockSkew))) {
            throw new IdTokenException(Reason.EXPIRED, "expired at " + expiresAt + " (now " + now + ")");
        }
        Instant issuedAt = jwt.getIssuedAtAsInstant();
        if (issuedAt == null) {
            throw new IdTokenException(Reason.MISSING_CLAIM, "no iat");
        }
        if (issuedAt.isAfter(now.plus(clockSkew))) {
            throw new IdTokenException(Reason.NOT_YET_VALID, "issued in the future at " + issuedAt);
        }
        Instant notBefore = jwt.getNotBeforeAsInstant();
        if (notBefore != null && notBefore.isAfter(now.plus(clockSkew))) {
            throw new IdTokenException(Reason.NOT_YET_VALID, "not valid before " + notBefore);
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty()) {
            throw new IdTokenException(Reason.MISSING_CLAIM, "no sub");
        }
        if (expectedNonce != null) {
            // §3.1.3.7 (11): the nonce Claim value MUST be checked to verify that it is the same value as the one
            // that was sent in the Authentication Request.
            String nonce = jwt.getClaim("nonce").asString();
            if (nonce == null || !constantTimeEquals(nonce, expectedNonce)) {
                throw new IdTokenException(Reason.NONCE_MISMATCH, "nonce does not match this sign-in");
            }
        }
        return new VerifiedIdentity(subject, jwt.getIssuer(), string(jwt, "name"), string(jwt, "preferred_username"),
                string(jwt, "email"), expiresAt, issuedAt, string(jwt, "sid"),
                string(jwt, VerifiedIdentity.LOGIN_ID_CLAIM));
    }

    private static String string(DecodedJWT jwt, String name) {
        Claim claim = jwt.getClaim(name);
        return claim.isMissing() || claim.isNull() ? null : claim.asString();
    }

    /** Compares two secrets without leaking, through timing, how long a prefix matched. */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
