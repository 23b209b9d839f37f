package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.plumbing.CryptoProvider;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * One public signing key from the provider's JWK Set: RSA ({@code n}, {@code e}) or EC on P-256/P-384
 * ({@code crv}, {@code x}, {@code y}).
 *
 * @param kid   the key id, null when the provider gives none
 * @param curve the JWK {@code crv} for EC keys, null for RSA
 * @param alg   the JWK {@code alg} when the provider pins one, else null
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-4">RFC 7517 §4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-6">RFC 7518 §6</a>
 */
public record Jwk(String kid, String curve, String alg, PublicKey key) {

    private static final Map<String, String> CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1");

    /**
     * Reads one JWK; empty for keys the gateway does not verify with (another {@code use}, another key type, a
     * private key, or one it cannot parse).
     */
    public static Optional<Jwk> parse(JsonNode json) {
        return parse(json, CryptoProvider.preferred());
    }

    /** As {@link #parse(JsonNode)}, the key read through {@code crypto} (the provider that will verify with it). */
    public static Optional<Jwk> parse(JsonNode json, CryptoProvider crypto) {
        String use = json.path("use").asText(null);
        if (use != null && !use.equals("sig")) {
            return Optional.empty();
        }
        String kid = json.path("kid").asText(null);
        String alg = json.path("alg").asText(null);
        try {
            switch (json.path("kty").asText("")) {
                case "RSA": {
                    RSAPublicKeySpec spec = new RSAPublicKeySpec(unsigned(json, "n"), unsigned(json, "e"));
                    return Optional.of(new Jwk(kid, null, alg, crypto.keyFactory("RSA").generatePublic(spec)));
                }
                case "EC": {
                    String crv = json.path("crv").asText("");
                    String jdkCurve = CURVES.get(crv);
                    if (jdkCurve == null) {
                        return Optional.empty();
                    }
                    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                    parameters.init(new ECGenParameterSpec(jdkCurve));
                    ECPoint point = new ECPoint(unsigned(json, "x"), unsigned(json, "y"));
                    ECPublicKeySpec spec = new ECPublicKeySpec(point, parameters.getParameterSpec(ECParameterSpec.class));
                    return Optional.of(new Jwk(kid, crv, alg, crypto.keyFactory("EC").generatePublic(spec)));
                }
                default:
                    return Optional.empty();
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            System.getLogger(Jwk.class.getName()).log(System.Logger.Level.WARNING,
                    "Ignoring unusable JWK kid={0}: {1}", kid, e.toString());
            return Optional.empty();
        }
    }

    /** Whether a token with header {@code alg} may be verified with this key: key type, curve and pinned alg agree. */
    public boolean fits(String jwsAlgorithm) {
        if (alg != null && !alg.equals(jwsAlgorithm)) {
            return false;
        }
        switch (jwsAlgorithm) {
            case "RS256":
            case "RS384":
            case "RS512":
                return key.getAlgorithm().equals("RSA");
            case "ES256":
                return "P-256".equals(curve);
            case "ES384":
                return "P-384".equals(curve);
            default:
                return false;
        }
    }

    private static BigInteger unsigned(JsonNode json, String member) {
        String value = json.path(member).asText("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("missing " + member);
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(value));
    }
}
