package dev.echoid.identity.token;

import com.auth0.jwt.algorithms.Algorithm;
import dev.echoid.plumbing.CryptoProvider;
import dev.echoid.identity.security.Sha256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One signing key with its {@code kid}, the RFC 7638 thumbprint of its public JWK: RSA for RS256, or EC on P-256
 * for ES256.
 */
public sealed interface SigningKey permits SigningKey.Rsa, SigningKey.Ec {

    String kid();

    /** The JWS {@code alg} this key signs with. */
    String algorithm();

    PublicKey publicKey();

    PrivateKey privateKey();

    /** Signs (and verifies). */
    Algorithm jwtAlgorithm();

    /** Verifies only. */
    Algorithm verifier();

    /** The name of the JCA provider that signs and verifies with this key (native or the JDK's). */
    String signatureProvider();

    /** The public JWK (RFC 7517 §4): never a private member. */
    Map<String, Object> publicJwk();

    /** An RS256 key, used through {@code crypto}. */
    record Rsa(String kid, RSAPublicKey publicKey, RSAPrivateKey privateKey, CryptoProvider crypto)
            implements SigningKey {

        @Override
        public String algorithm() {
            return SigningKeys.RS256;
        }

        @Override
        public Algorithm jwtAlgorithm() {
            return JcaAlgorithm.rs256(crypto, publicKey, privateKey);
        }

        @Override
        public Algorithm verifier() {
            return JcaAlgorithm.rs256(crypto, publicKey, null);
        }

        @Override
        public String signatureProvider() {
            return JcaAlgorithm.rs256(crypto, publicKey, privateKey).providerName();
        }

        /** RFC 7518 §6.3.1. */
        @Override
        public Map<String, Object> publicJwk() {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "RSA");
            jwk.put("use", "sig");
            jwk.put("alg", algorithm());
            jwk.put("kid", kid);
            jwk.put("n", base64Url(publicKey.getModulus()));
            jwk.put("e", base64Url(publicKey.getPublicExponent()));
            return jwk;
        }
    }

    /** An ES256 key on P-256, used through {@code crypto}. */
    record Ec(String kid, ECPublicKey publicKey, ECPrivateKey privateKey, CryptoProvider crypto)
            implements SigningKey {

        public Ec {
            if (!isP256(publicKey.getParams())) {
                throw new IllegalArgumentException("ES256 key " + kid + " is not on P-256");
            }
        }

        @Override
        public String algorithm() {
            return SigningKeys.ES256;
        }

        @Override
        public Algorithm jwtAlgorithm() {
            return JcaAlgorithm.es256(crypto, publicKey, privateKey);
        }

        @Override
        public Algorithm verifier() {
            return JcaAlgorithm.es256(crypto, publicKey, null);
        }

        @Override
        public String signatureProvider() {
            return JcaAlgorithm.es256(crypto, publicKey, privateKey).providerName();
        }

        /** RFC 7518 §6.2.1. */
        @Override
        public Map<String, Object> publicJwk() {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "EC");
            jwk.put("use", "sig");
            jwk.put("alg", algorithm());
            jwk.put("kid", kid);
            jwk.put("crv", "P-256");
            jwk.put("x", coordinate(publicKey.getW().getAffineX()));
            jwk.put("y", coordinate(publicKey.getW().getAffineY()));
            return jwk;
        }
    }

    static String thumbprint(RSAPublicKey key) {
        return sha256(canonicalJwk(key));
    }

    static String thumbprint(ECPublicKey key) {
        return sha256(canonicalJwk(key));
    }

    /** RFC 7638 §3.2: the required members only, in lexicographic order, no white space. */
    static String canonicalJwk(RSAPublicKey key) {
        return "{\"e\":\"" + base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64Url(key.getModulus()) + "\"}";
    }

    /** RFC 7638 §3.2 for an EC key (RFC 7518 §6.2.1: crv, kty, x, y). */
    static String canonicalJwk(ECPublicKey key) {
        return "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + coordinate(key.getW().getAffineX()) + "\",\"y\":\""
                + coordinate(key.getW().getAffineY()) + "\"}";
    }

    /** RFC 7518 §6.3.1: unsigned big-endian, minimal length. */
    static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** RFC 7518 §6.2.1.2: a P-256 coordinate is exactly 32 octets, leading zeros kept. */
    static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no P-256", e);
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        ECParameterSpec p256 = p256();
        return params.getCurve().equals(p256.getCurve()) && params.getOrder().equals(p256.getOrder())
                && params.getGenerator().equals(p256.getGenerator());
    }

    private static String sha256(String canonical) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }
}
