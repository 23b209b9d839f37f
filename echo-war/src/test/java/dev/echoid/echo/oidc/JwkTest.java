package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.echo.testsupport.TestKeys;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void parseWhenRsaKeyThenSamePublicKey() {
        RSAPublicKey key = (RSAPublicKey) TestKeys.rsa().getPublic();

        Jwk jwk = Jwk.parse(JSON.valueToTree(TestKeys.rsaJwk("k1", key))).orElseThrow();

        assertThat(jwk.key()).isEqualTo(key);
        assertThat(jwk.fits("RS256")).isTrue();
        assertThat(jwk.fits("RS384")).as("the JWK pins alg RS256").isFalse();
        assertThat(jwk.fits("ES256")).isFalse();
    }

    @Test
    void parseWhenEcP256KeyThenSamePublicKeyFittingEs256Only() {
        ECPublicKey key = (ECPublicKey) TestKeys.ecP256().getPublic();

        Jwk jwk = Jwk.parse(JSON.valueToTree(TestKeys.ecJwk("k1", key))).orElseThrow();

        assertThat(jwk.key()).isEqualTo(key);
        assertThat(jwk.fits("ES256")).isTrue();
        assertThat(jwk.fits("ES384")).isFalse();
        assertThat(jwk.fits("RS256")).isFalse();
    }

    @Test
    void parseWhenUseIsEncThenIgnored() {
        Map<String, Object> jwk = new HashMap<>(TestKeys.rsaJwk("k1", (RSAPublicKey) TestKeys.rsa().getPublic()));
        jwk.put("use", "enc");

        assertThat(Jwk.parse(JSON.valueToTree(jwk))).isEmpty();
    }

    @Test
    void parseWhenSymmetricKeyThenIgnored() {
        assertThat(Jwk.parse(JSON.valueToTree(Map.of("kty", "oct", "k", "c2VjcmV0")))).isEmpty();
    }
}
