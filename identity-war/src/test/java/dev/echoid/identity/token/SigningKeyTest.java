package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    @Test
    void thumbprintWhenRfc7638ExampleKeyThenRfc7638ExampleKid() throws Exception {
        // RFC 7638 §3.1
        String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRX"
                + "jBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqz"
                + "s8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G"
                + "_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(n)), BigInteger.valueOf(65537)));
        assertThat(SigningKey.thumbprint(key)).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    @Test
    void jwksWhenKeyCreatedThenPublicPartsOnlyWithKid() {
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = ((java.util.List<Map<String, Object>>) keys.jwks().get("keys")).get(0);
        assertThat(jwk).containsOnlyKeys("kty", "use", "alg", "kid", "n", "e");
        assertThat(jwk.get("kid")).isEqualTo(keys.signingKey().kid());
        assertThat(jwk.get("kid")).isEqualTo(SigningKey.thumbprint(keys.signingKey().publicKey()));
    }

    @Test
    void initializeWhenEncryptionKeySetThenPrivateKeySealedAndReadableOnlyWithThatKey() {
        InMemorySigningKeyStore store = new InMemorySigningKeyStore();
        byte[] secret = new byte[32];
        secret[0] = 7;
        SigningKeys first = new SigningKeys(store, Optional.of(secret)).initialize();
        assertThat(store.keys.get(0).privateKey()).startsWith("aesgcm:");

        SigningKeys again = new SigningKeys(store, Optional.of(secret)).initialize();
        assertThat(again.signingKey().kid()).isEqualTo(first.signingKey().kid());
        assertThat(again.signingKey().privateKey()).isEqualTo(first.signingKey().privateKey());

        assertThatThrownBy(() -> new SigningKeys(store, Optional.of(new byte[32])).initialize())
                .hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> new SigningKeys(store, Optional.empty()).initialize())
                .hasMessageContaining("IDENTITY_KEY_ENCRYPTION_KEY");
    }
}
