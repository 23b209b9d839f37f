package dev.echoid.echo.oidc;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.echo.oidc.IdTokenException.Reason;
import java.util.List;
import java.util.Set;

/**
 * Checks the signature of a JWT the provider signed (ID tokens, logout tokens). The algorithm is never taken on the
 * token's word: it must be one the gateway implements and the provider advertises for ID tokens, asymmetric only (no
 * {@code none}, no HS*), and must fit the key's type.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OpenID Connect Core 1.0
 *         §3.1.3.7 (6, 7)</a>
 */
final class JwsSignature {

    /** What the gateway verifies with a public key (see {@link JcaVerifier}); PS256 is not among them yet. */
    static final Set<String> IMPLEMENTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384");

    private final ProviderDiscovery discovery;
    private final JwkSet keys;

    JwsSignature(ProviderDiscovery discovery, JwkSet keys) {
        this.discovery = discovery;
        this.keys = keys;
    }

    /**
     * The decoded token, once its signature verifies.
     *
     * @throws IdTokenException  {@code MALFORMED}, {@code UNSUPPORTED_ALGORITHM}, {@code UNKNOWN_KEY} or
     *                           {@code BAD_SIGNATURE}
     * @throws ProviderException when discovery or the JWK Set cannot be fetched
     */
    DecodedJWT verify(String token) {
        DecodedJWT jwt = decode(token);
        Algorithm algorithm = algorithmFor(jwt);
        try {
            algorithm.verify(jwt);
        } catch (SignatureVerificationException e) {
            throw new IdTokenException(Reason.BAD_SIGNATURE, "signature does not verify (kid=" + jwt.getKeyId() + ")", e);
        }
        return jwt;
    }

    private static DecodedJWT decode(String token) {
        if (token == null || token.isBlank()) {
            throw new IdTokenException(Reason.MALFORMED, "no token");
        }
        try {
            return JWT.decode(token);
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
        return new JcaVerifier(alg, key.key(), keys.crypto());
    }
}
