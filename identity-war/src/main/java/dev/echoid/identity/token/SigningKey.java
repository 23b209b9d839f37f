package dev.echoid.identity.token;

import com.auth0.jwt.algorithms.Algorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.echoid.identity.security.Hashes;

/** One RSA signing key with its {@code kid} (the RFC 7638 thumbprint of its public JWK). */
public record SigningKey(String kid, String algorithm, RSAPublicKey publicKey, RSAPrivateKey privateKey,
        boolean active) {

    public Algorithm jwtAlgorithm() {
        return Algorithm.RSA256(publicKey, privateKey);
    }

    public Algorithm verifier() {
        return Algorithm.RSA256(publicKey, null);
    }

    /** The public JWK (RFC 7517 §4, RFC 7518 §6.3.1). */
    public Map<String, Object> publicJwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", algorithm);
        jwk.put("kid", kid);
        jwk.put("n", base64Url(publicKey.getModulus()));
        jwk.put("e", base64Url(publicKey.getPublicExponent()));
        return jwk;
    }

    /** RFC 7638 §3: SHA-256 over the required members in lexicographic order, no white space. */
    public static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64Url(key.getModulus()) + "\"}";
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Hashes.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    /** RFC 7518 §6.3.1: unsigned big-endian, minimal length. */
    static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
