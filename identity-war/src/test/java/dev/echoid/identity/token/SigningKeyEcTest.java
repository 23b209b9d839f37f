package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.User;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** ES256 keys: RFC 7638 thumbprint, the public JWK, and ID tokens signed with them. */
class SigningKeyEcTest {

    // RFC 7515 Appendix A.3.1: the ES256 example key's public part
    private static final String RFC7515_X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    private static final String RFC7515_Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    // SHA-256 over {"crv":"P-256","kty":"EC","x":…,"y":…}, computed independently with Python's json and hashlib
    private static final String RFC7515_THUMBPRINT = "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U";

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void thumbprintWhenRfc7515ExampleKeyThenKnownKidOverTheCanonicalMembers() throws Exception {
        ECPublicKey key = ecKey(RFC7515_X, RFC7515_Y);
        assertThat(SigningKey.canonicalJwk(key)).isEqualTo("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + RFC7515_X
                + "\",\"y\":\"" + RFC7515_Y + "\"}");
        assertThat(SigningKey.thumbprint(key)).isEqualTo(RFC7515_THUMBPRINT);
    }

    @Test
    void thumbprintWhenGeneratedKeyThenDeterministicAndOverExactlyTheRfc7638Form() throws Exception {
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        SigningKey.Ec key = (SigningKey.Ec) keys.signingKey("ES256");
        String canonical = SigningKey.canonicalJwk(key.publicKey());
        assertThat(canonical).matches("\\{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"[A-Za-z0-9_-]{43}\","
                + "\"y\":\"[A-Za-z0-9_-]{43}\"}");
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(key.kid()).isEqualTo(expected).isEqualTo(SigningKey.thumbprint(key.publicKey()));
        // the same public key, rebuilt from its JWK, has the same kid
        Map<String, Object> jwk = key.publicJwk();
        assertThat(SigningKey.thumbprint(ecKey((String) jwk.get("x"), (String) jwk.get("y")))).isEqualTo(key.kid());
    }

    @Test
    void publicJwkWhenEcKeyThenPublicMembersOnlyWithFixedLengthCoordinates() {
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        Map<String, Object> jwk = keys.signingKey("ES256").publicJwk();
        assertThat(jwk).containsOnlyKeys("kty", "use", "alg", "kid", "crv", "x", "y")
                .containsEntry("kty", "EC").containsEntry("crv", "P-256").containsEntry("alg", "ES256")
                .containsEntry("use", "sig");
        assertThat(Base64.getUrlDecoder().decode((String) jwk.get("x"))).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode((String) jwk.get("y"))).hasSize(32);
    }

    @Test
    void coordinateWhenShortOrSignedThenExactly32Octets() {
        byte[] one = Base64.getUrlDecoder().decode(SigningKey.coordinate(BigInteger.ONE));
        assertThat(one).hasSize(32);
        assertThat(one[31]).isEqualTo((byte) 1);
        assertThat(one[0]).isZero();
        // 2^256 - 1: toByteArray() gives 33 bytes with a leading sign byte
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        assertThat(Base64.getUrlDecoder().decode(SigningKey.coordinate(max))).hasSize(32).containsOnly((byte) 0xff);
    }

    @Test
    void issueWhenClientAsksForEs256ThenIdTokenVerifiesWithTheJwksEcKeyAndAccessTokenStaysRs256() throws Exception {
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity")));
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        JwtIssuer issuer = new JwtIssuer(settings, keys, Clock.fixed(NOW, ZoneOffset.UTC));
        User user = new User(UUID.randomUUID(), "ada", "hash", "Ada", "ada@example.com", true, true);

        String idToken = issuer.idToken(user, "echo", Scope.of("openid"), "n-1", NOW, null, "ES256");
        String accessToken = issuer.accessToken(user.id().toString(), "echo", Scope.of("openid"), NOW).value();

        DecodedJWT header = JWT.decode(idToken);
        assertThat(header.getAlgorithm()).isEqualTo("ES256");
        assertThat(header.getKeyId()).isEqualTo(keys.signingKey("ES256").kid());
        // JWS (RFC 7518 §3.4): R || S, 64 octets, not DER
        assertThat(Base64.getUrlDecoder().decode(header.getSignature())).hasSize(64);

        Map<String, Object> jwk = jwkByKid(keys, header.getKeyId());
        ECPublicKey fromJwks = ecKey((String) jwk.get("x"), (String) jwk.get("y"));
        JWTVerifier verifier = ((JWTVerifier.BaseVerification) JWT.require(Algorithm.ECDSA256(fromJwks, null))
                .withIssuer("https://id.example/identity").withAudience("echo"))
                .build(Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(verifier.verify(idToken).getClaim("nonce").asString()).isEqualTo("n-1");

        DecodedJWT access = JWT.decode(accessToken);
        assertThat(access.getAlgorithm()).isEqualTo("RS256");
        assertThat(access.getKeyId()).isEqualTo(keys.signingKey().kid());
        assertThat(JWT.decode(issuer.idToken(user, "echo", Scope.of("openid"), null, NOW, null, "RS256"))
                .getAlgorithm()).as("RS256 on request").isEqualTo("RS256");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jwkByKid(SigningKeys keys, String kid) {
        return ((List<Map<String, Object>>) keys.jwks().get("keys")).stream()
                .filter(jwk -> kid.equals(jwk.get("kid"))).findFirst().orElseThrow();
    }

    private static ECPublicKey ecKey(String x, String y) throws Exception {
        ECPoint point = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(x)),
                new BigInteger(1, Base64.getUrlDecoder().decode(y)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(point, SigningKey.p256()));
    }
}
