package dev.echoid.echo.oidc;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.plumbing.CryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * A java-jwt {@link Algorithm} that verifies with a chosen {@link CryptoProvider} (java-jwt's own algorithms always
 * call {@code Signature.getInstance(name)} on the JVM-global provider list). It never signs: the gateway only
 * verifies what the provider signed.
 */
final class JcaVerifier extends Algorithm {

    /** JWS {@code alg} → the JCA signature (ECDSA as R || S, IEEE P1363, as RFC 7518 §3.4 encodes it). */
    private static final Map<String, String> JCA_NAMES = Map.of(
            "RS256", "SHA256withRSA",
            "RS384", "SHA384withRSA",
            "RS512", "SHA512withRSA",
            "ES256", "SHA256withECDSAinP1363Format",
            "ES384", "SHA384withECDSAinP1363Format");
    /** RFC 7518 §3.4: the exact length of R || S. */
    private static final Map<String, Integer> ECDSA_LENGTHS = Map.of("ES256", 64, "ES384", 96);
    private static final byte DOT = '.';

    private final String jcaName;
    private final int signatureLength;
    private final CryptoProvider crypto;
    private final PublicKey key;

    JcaVerifier(String jwsAlgorithm, PublicKey key, CryptoProvider crypto) {
        super(jwsAlgorithm, requireKnown(jwsAlgorithm));
        this.jcaName = JCA_NAMES.get(jwsAlgorithm);
        this.signatureLength = ECDSA_LENGTHS.getOrDefault(jwsAlgorithm, 0);
        this.crypto = crypto;
        this.key = key;
    }

    private static String requireKnown(String jwsAlgorithm) {
        String jcaName = JCA_NAMES.get(jwsAlgorithm);
        if (jcaName == null) {
            throw new IllegalArgumentException("no JCA signature for " + jwsAlgorithm);
        }
        return jcaName;
    }

    /** The name of the JCA provider whose {@link Signature} verifies. */
    String providerName() {
        try {
            return crypto.signature(jcaName).getProvider().getName();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jcaName + " is not available", e);
        }
    }

    @Override
    public void verify(DecodedJWT jwt) throws SignatureVerificationException {
        try {
            byte[] signature = Base64.getUrlDecoder().decode(jwt.getSignature());
            // RFC 7518 §3.4: an ECDSA JWS signature has exactly this length; anything else is refused before any math
            if (signatureLength > 0 && signature.length != signatureLength) {
                throw new SignatureVerificationException(this);
            }
            Signature verifier = crypto.signature(jcaName);
            verifier.initVerify(key);
            verifier.update(jwt.getHeader().getBytes(StandardCharsets.US_ASCII));
            verifier.update(DOT);
            verifier.update(jwt.getPayload().getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(signature)) {
                throw new SignatureVerificationException(this);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SignatureVerificationException(this, e);
        }
    }

    @Override
    public byte[] sign(byte[] contentBytes) throws SignatureGenerationException {
        throw new SignatureGenerationException(this, new UnsupportedOperationException("verification only"));
    }
}
