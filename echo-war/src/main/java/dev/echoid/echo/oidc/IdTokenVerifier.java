package dev.echoid.echo.oidc;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.echo.oidc.IdTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Verifies ID tokens: at the callback (with the nonce) and on every request (the token kept in the session).
 *
 * <p>The algorithm is never taken on the token's word: it must be one the gateway implements and the provider
 * advertises, asymmetric only (no {@code none}, no HS*), and must fit the key's type.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OpenID Connect Core 1.0
 *         §3.1.3.7</a>
 */
public final class IdTokenVerifier {

    /** What java-jwt can verify with a public key; PS256 is absent because java-jwt has no RSASSA-PSS. */
    public static final Set<String> IMPLEMENTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384");

    private final String issuer;
    private final String clientId;
    private final Duration clockSkew;
    private final Clock clock;
    private final ProviderDiscovery discovery;
    private final JwkSet keys;

    public IdTokenVerifier(String issuer, String clientId, Duration clockSkew, Clock clock,
            ProviderDiscovery discovery, JwkSet keys) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clockSkew = clockSkew;
        this.clock = clock;
        this.discovery = discovery;
        this.keys = keys;
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
        DecodedJWT jwt = decode(idToken);
        Algorithm algorithm = algorithmFor(jwt);
        try {
            algorithm.verify(jwt);
        } catch (SignatureVerificationException e) {
            throw new IdTokenException(Reason.BAD_SIGNATURE, "signature does not verify (kid=" + jwt.getKeyId() + ")", e);
        }
        try {
            return checkClaims(jwt, expectedNonce);
        } catch (JWTDecodeException e) {
            throw new IdTokenException(Reason.MALFORMED, "a claim has the wrong type: " + e.getMessage(), e);
        }
    }

    private static DecodedJWT decode(String idToken) {
        if (idToken == null || idToken.isBlank()) {
            throw new IdTokenException(Reason.MALFORMED, "no ID token");
        }
        try {
            return JWT.decode(idToken);
        } catch (JWTDecodeException e) {
            throw new IdTokenException(Reason.MALFORMED, "not a JWS compact serialization: " + e.getMessage(), e);
        }
    }

    private Algorithm algorithmFor(DecodedJWT jwt) {
        String alg = jwt.getAlgorithm();
        // OIDC Core §3.1.3.7 (7): the alg SHOULD be the default RS256 or the one registered; "none" and HMAC keyed
        // by anything public are never acceptable, so only the asymmetric algorithms we implement are considered.
        if (alg == null || !IMPLEMENTED_ALGORITHMS.contains(alg)) {
            throw new IdTokenException(Reason.UNSUPPORTED_ALGORITHM, "alg " + alg + " is not accepted");
        }
        List<String> advertised = discovery.metadata().idTokenSigningAlgValuesSupported();
        if (!advertised.contains(alg)) {
            throw new IdTokenException(Reason.UNSUPPORTED_ALGORITHM,
                    "alg " + alg + " is not among the provider's id_token_signing_alg_values_supported " + advertised);
        }
        Jwk key = keys.keyFor(jwt.getKeyId(), alg);
        switch (alg) {
            case "RS256":
                return Algorithm.RSA256((RSAPublicKey) key.key(), null);
            case "RS384":
                return Algorithm.RSA384((RSAPublicKey) key.key(), null);
            case "RS512":
                return Algorithm.RSA512((RSAPublicKey) key.key(), null);
            case "ES256":
                return Algorithm.ECDSA256((ECPublicKey) key.key(), null);
            case "ES384":
                return Algorithm.ECDSA384((ECPublicKey) key.key(), null);
            default:
                throw new IdTokenException(Reason.UNSUPPORTED_ALGORITHM, "alg " + alg + " is not accepted");
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
                string(jwt, "email"), expiresAt, issuedAt);
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
