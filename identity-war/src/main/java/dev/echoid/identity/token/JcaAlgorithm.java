package dev.echoid.identity.token;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.plumbing.CryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * A java-jwt {@link Algorithm} that signs and verifies with a chosen {@link CryptoProvider}: java-jwt's own
 * algorithms always call {@code Signature.getInstance(name)} on the JVM-global provider list, which this WAR does not
 * touch.
 */
final class JcaAlgorithm extends Algorithm {

    private static final byte DOT = '.';

    private final String jcaName;
    /** The fixed length of a JWS signature for ECDSA (RFC 7518 §3.4: R || S), 0 when not fixed. */
    private final int signatureLength;
    private final CryptoProvider crypto;
    private final PublicKey publicKey;
    private final PrivateKey privateKey;

    private JcaAlgorithm(String jwsName, String jcaName, int signatureLength, CryptoProvider crypto,
            PublicKey publicKey, PrivateKey privateKey) {
        super(jwsName, jcaName);
        this.jcaName = jcaName;
        this.signatureLength = signatureLength;
        this.crypto = crypto;
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256; {@code privateKey} null to verify only. */
    static JcaAlgorithm rs256(CryptoProvider crypto, PublicKey publicKey, PrivateKey privateKey) {
        return new JcaAlgorithm("RS256", "SHA256withRSA", 0, crypto, publicKey, privateKey);
    }

    /** RFC 7518 §3.4: ECDSA P-256 with SHA-256, the signature as R || S (IEEE P1363), not DER. */
    static JcaAlgorithm es256(CryptoProvider crypto, PublicKey publicKey, PrivateKey privateKey) {
        return new JcaAlgorithm("ES256", "SHA256withECDSAinP1363Format", 64, crypto, publicKey, privateKey);
    }

    /** The name of the JCA provider whose {@link Signature} this algorithm uses. */
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
            // RFC 7518 §3.4: an ES256 signature is exactly 64 octets; anything else is refused before any math
            if (signatureLength > 0 && signature.length != signatureLength) {
                throw new SignatureVerificationException(this);
            }
            Signature verifier = crypto.signature(jcaName);
            verifier.initVerify(publicKey);
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
    public byte[] sign(byte[] headerBytes, byte[] payloadBytes) throws SignatureGenerationException {
        return sign(headerBytes, true, payloadBytes);
    }

    @Override
    public byte[] sign(byte[] contentBytes) throws SignatureGenerationException {
        return sign(contentBytes, false, null);
    }

    private byte[] sign(byte[] first, boolean dotted, byte[] second) {
        if (privateKey == null) {
            throw new SignatureGenerationException(this, new IllegalStateException("no private key"));
        }
        try {
            Signature signer = crypto.signature(jcaName);
            signer.initSign(privateKey);
            signer.update(first);
            if (dotted) {
                signer.update(DOT);
                signer.update(second);
            }
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureGenerationException(this, e);
        }
    }
}
