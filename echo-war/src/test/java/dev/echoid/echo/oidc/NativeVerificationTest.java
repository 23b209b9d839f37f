package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.echo.testsupport.TestKeys;
import dev.echoid.plumbing.CryptoProvider;
import dev.echoid.plumbing.InvalidSettingException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway verifies through the native provider where the platform has it, through the JDK's otherwise or when
 * {@code ECHO_NATIVE_CRYPTO=false}; a token signed by either verifies with either, a forged one with neither.
 */
class NativeVerificationTest {

    private static final String CLIENT_ID = "echo-gateway";
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final KeyPair RSA = TestKeys.rsa();
    private static final KeyPair EC = TestKeys.ecP256();

    private final FakeProvider provider = new FakeProvider()
            .discovery(FakeProvider.ISSUER, List.of("RS256", "ES256"))
            .jwks(List.of(TestKeys.rsaJwk("rsa-1", (RSAPublicKey) RSA.getPublic()),
                    TestKeys.ecJwk("ec-1", (ECPublicKey) EC.getPublic())));
    private final MutableClock clock = new MutableClock(NOW);

    private static boolean nativePlatform() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").equals("amd64");
    }

    private IdTokenVerifier verifier(CryptoProvider crypto) {
        ProviderDiscovery discovery = new ProviderDiscovery(FakeProvider.ISSUER, provider);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), provider, clock, Duration.ofSeconds(10),
                crypto);
        return new IdTokenVerifier(FakeProvider.ISSUER, CLIENT_ID, Duration.ofSeconds(60), clock, discovery, keys);
    }

    private static String claims(String alg, String kid) {
        String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}");
        String payload = b64("{\"iss\":\"" + FakeProvider.ISSUER + "\",\"aud\":\"" + CLIENT_ID
                + "\",\"sub\":\"user-42\",\"nonce\":\"n1\",\"iat\":" + NOW.minusSeconds(5).getEpochSecond()
                + ",\"exp\":" + NOW.plusSeconds(300).getEpochSecond() + "}");
        return header + "." + payload;
    }

    /** Signed with the given JCA provider's Signature, as a provider built on it would sign. */
    private static String signWith(CryptoProvider crypto, String alg) throws Exception {
        String content = claims(alg, alg.equals("RS256") ? "rsa-1" : "ec-1");
        Signature signer = crypto.signature(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
        PrivateKey key = alg.equals("RS256") ? RSA.getPrivate() : EC.getPrivate();
        signer.initSign(key);
        signer.update(content.getBytes(StandardCharsets.US_ASCII));
        return content + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void preferredWhenNativeLibraryIsPresentThenAccpVerifiesAndNothingIsInstalledJvmWide() throws Exception {
        assumeTrue(nativePlatform(), "ACCP's native library is bundled for linux-x86_64 only");
        CryptoProvider crypto = CryptoProvider.preferred();
        assertThat(crypto.isNative()).isTrue();
        Jwk key = Jwk.parse(JWT_JSON.valueToTree(TestKeys.rsaJwk("rsa-1", (RSAPublicKey) RSA.getPublic())), crypto)
                .orElseThrow();
        assertThat(new JcaVerifier("RS256", key.key(), crypto).providerName())
                .isEqualTo(CryptoProvider.NATIVE_PROVIDER_NAME);
        assertThat(new JcaVerifier("ES256", EC.getPublic(), crypto).providerName())
                .isEqualTo(CryptoProvider.NATIVE_PROVIDER_NAME);
        assertThat(Security.getProvider(CryptoProvider.NATIVE_PROVIDER_NAME)).isNull();
    }

    @Test
    void settingWhenNativeCryptoFalseThenTheJdkVerifies() {
        CryptoProvider crypto = CryptoProvider.from(name -> Optional.of("false").filter(
                v -> name.equals(GatewaySettings.NATIVE_CRYPTO)), GatewaySettings.NATIVE_CRYPTO);
        assertThat(crypto.isNative()).isFalse();
        assertThat(new JcaVerifier("RS256", RSA.getPublic(), crypto).providerName()).isEqualTo("SunRsaSign");
        assertThat(new JcaVerifier("ES256", EC.getPublic(), crypto).providerName()).isEqualTo("SunEC");
        assertThatThrownBy(() -> CryptoProvider.from(name -> Optional.of("maybe"), GatewaySettings.NATIVE_CRYPTO))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(GatewaySettings.NATIVE_CRYPTO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void verifyWhenSignedByEitherProviderThenEitherVerifies(String alg) throws Exception {
        for (CryptoProvider signer : List.of(CryptoProvider.preferred(), CryptoProvider.jdk())) {
            String token = signWith(signer, alg);
            for (CryptoProvider verifying : List.of(CryptoProvider.preferred(), CryptoProvider.jdk())) {
                assertThat(verifier(verifying).verify(token, "n1").subject())
                        .as("signed by %s, verified by %s", signer, verifying).isEqualTo("user-42");
            }
        }
        // and java-jwt's stock algorithms (the JDK's) agree with the native signature
        String nativeToken = signWith(CryptoProvider.preferred(), alg);
        Algorithm stock = alg.equals("RS256") ? Algorithm.RSA256((RSAPublicKey) RSA.getPublic(), null)
                : Algorithm.ECDSA256((ECPublicKey) EC.getPublic(), null);
        stock.verify(JWT.decode(nativeToken));
    }

    /** CVE-2022-21449 ("psychic signatures"), a payload swapped under a genuine signature, a DER signature. */
    @ParameterizedTest
    @ValueSource(strings = {"zero", "der", "swapped"})
    void verifyWhenEs256SignatureIsForgedThenBadSignatureOnBothProviders(String shape) throws Exception {
        String genuine = signWith(CryptoProvider.jdk(), "ES256");
        String[] parts = genuine.split("\\.");
        String forged = switch (shape) {
            case "zero" -> parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(new byte[64]);
            case "der" -> parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00});
            default -> parts[0] + "." + b64("{\"iss\":\"" + FakeProvider.ISSUER + "\",\"aud\":\"" + CLIENT_ID
                    + "\",\"sub\":\"admin\",\"nonce\":\"n1\",\"iat\":" + NOW.getEpochSecond() + ",\"exp\":"
                    + NOW.plusSeconds(300).getEpochSecond() + "}") + "." + parts[2];
        };
        for (CryptoProvider verifying : List.of(CryptoProvider.preferred(), CryptoProvider.jdk())) {
            assertThatThrownBy(() -> verifier(verifying).verify(forged, "n1"))
                    .isInstanceOfSatisfying(IdTokenException.class,
                            e -> assertThat(e.reason()).isEqualTo(IdTokenException.Reason.BAD_SIGNATURE));
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JWT_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
}
