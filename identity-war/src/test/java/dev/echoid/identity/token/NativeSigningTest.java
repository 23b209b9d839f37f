package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import dev.echoid.plumbing.CryptoProvider;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tokens signed through the native provider and through the JDK's are the same standard JWS: each verifies with the
 * other, and with java-jwt's stock algorithms; a forged one verifies with neither.
 */
class NativeSigningTest {

    private final InMemorySigningKeyStore store = new InMemorySigningKeyStore();
    private final SigningKeys nativeKeys = new SigningKeys(store, Optional.empty(), CryptoProvider.preferred())
            .initialize();
    private final SigningKeys jdkKeys = new SigningKeys(store, Optional.empty(), CryptoProvider.jdk()).initialize();

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void signWhenNativeProviderThenAccpSignedAndTheJdkVerifies(String algorithm) throws Exception {
        assumeTrue(nativeKeys.crypto().isNative(), "ACCP's native library is bundled for linux-x86_64 only");
        SigningKey signing = nativeKeys.signingKey(algorithm);
        assertThat(signing.signatureProvider()).isEqualTo(CryptoProvider.NATIVE_PROVIDER_NAME);
        String token = sign(signing);

        SigningKey sameKeyThroughJdk = jdkKeys.byKid(signing.kid()).orElseThrow();
        assertThat(sameKeyThroughJdk.signatureProvider()).isIn("SunRsaSign", "SunEC");
        assertThat(JWT.require(sameKeyThroughJdk.verifier()).build().verify(token).getSubject()).isEqualTo("alice");
        assertThat(JWT.require(stock(algorithm, signing)).build().verify(token).getSubject()).isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void signWhenJdkProviderThenTheNativeProviderVerifies(String algorithm) throws Exception {
        SigningKey signing = jdkKeys.signingKey(algorithm);
        assertThat(signing.signatureProvider()).isIn("SunRsaSign", "SunEC");
        String token = sign(signing);

        SigningKey sameKeyThroughNative = nativeKeys.byKid(signing.kid()).orElseThrow();
        assertThat(JWT.require(sameKeyThroughNative.verifier()).build().verify(token).getSubject()).isEqualTo("alice");
        assertThat(JWT.require(stock(algorithm, signing)).build().verify(token).getSubject()).isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void verifyWhenPayloadSwappedUnderAGenuineSignatureThenRefusedByBothProviders(String algorithm) {
        String genuine = sign(nativeKeys.signingKey(algorithm));
        String[] parts = genuine.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"iss\":\"x\"}".getBytes());
        String forged = parts[0] + "." + forgedPayload + "." + parts[2];
        for (SigningKeys keys : new SigningKeys[] {nativeKeys, jdkKeys}) {
            Algorithm verifier = keys.signingKey(algorithm).verifier();
            assertThatThrownBy(() -> JWT.require(verifier).build().verify(forged))
                    .isInstanceOf(SignatureVerificationException.class);
        }
    }

    /** CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify, nor a DER signature in place of R || S. */
    @ParameterizedTest
    @ValueSource(strings = {"zero", "der", "short"})
    void verifyWhenEs256SignatureIsMalformedThenRefusedByBothProviders(String shape) {
        String genuine = sign(nativeKeys.signingKey("ES256"));
        String[] parts = genuine.split("\\.");
        byte[] signature = switch (shape) {
            case "zero" -> new byte[64];
            case "der" -> new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
            default -> new byte[63];
        };
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(signature);
        for (SigningKeys keys : new SigningKeys[] {nativeKeys, jdkKeys}) {
            Algorithm verifier = keys.signingKey("ES256").verifier();
            assertThatThrownBy(() -> JWT.require(verifier).build().verify(forged))
                    .isInstanceOf(SignatureVerificationException.class);
        }
    }

    private static String sign(SigningKey key) {
        return JWT.create().withKeyId(key.kid()).withSubject("alice").sign(key.jwtAlgorithm());
    }

    /** java-jwt's own algorithm over a JDK copy of the public key: the standard the signature must meet. */
    private static Algorithm stock(String algorithm, SigningKey key) throws Exception {
        X509EncodedKeySpec encoded = new X509EncodedKeySpec(key.publicKey().getEncoded());
        return algorithm.equals("RS256")
                ? Algorithm.RSA256((RSAPublicKey) KeyFactory.getInstance("RSA", "SunRsaSign").generatePublic(encoded),
                        null)
                : Algorithm.ECDSA256((ECPublicKey) KeyFactory.getInstance("EC", "SunEC").generatePublic(encoded),
                        null);
    }
}
