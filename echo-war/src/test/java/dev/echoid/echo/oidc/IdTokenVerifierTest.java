package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import dev.echoid.echo.oidc.IdTokenException.Reason;
import dev.echoid.echo.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdTokenVerifierTest {

    private static final String CLIENT_ID = "echo-gateway";
    private static final String NONCE = "n-0S6_WzA2Mj";
    private static final KeyPair RSA = TestKeys.rsa();
    private static final KeyPair OTHER_RSA = TestKeys.rsa();
    private static final KeyPair EC = TestKeys.ecP256();
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private MutableClock clock;
    private FakeProvider provider;
    private IdTokenVerifier verifier;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(NOW);
        provider = new FakeProvider()
                .discovery(FakeProvider.ISSUER, List.of("RS256", "ES256", "HS256", "none"))
                .jwks(List.of(TestKeys.rsaJwk("rsa-1", (RSAPublicKey) RSA.getPublic()),
                        TestKeys.ecJwk("ec-1", (ECPublicKey) EC.getPublic())));
        ProviderDiscovery discovery = new ProviderDiscovery(FakeProvider.ISSUER, provider);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), provider, clock, Duration.ofSeconds(10));
        verifier = new IdTokenVerifier(FakeProvider.ISSUER, CLIENT_ID, Duration.ofSeconds(60), clock, discovery, keys);
    }

    private static JWTCreator.Builder claims() {
        return JWT.create()
                .withKeyId("rsa-1")
                .withIssuer(FakeProvider.ISSUER)
                .withAudience(CLIENT_ID)
                .withSubject("user-42")
                .withIssuedAt(NOW.minusSeconds(5))
                .withExpiresAt(NOW.plusSeconds(300))
                .withClaim("nonce", NONCE)
                .withClaim("name", "Ada Lovelace")
                .withClaim("preferred_username", "ada")
                .withClaim("email", "ada@example.org");
    }

    private static String rs256(JWTCreator.Builder builder) {
        return builder.sign(Algorithm.RSA256((RSAPublicKey) RSA.getPublic(), (RSAPrivateKey) RSA.getPrivate()));
    }

    @Test
    void verifyWhenTokenValidThenIdentityReturned() {
        VerifiedIdentity identity = verifier.verify(rs256(claims()), NONCE);

        assertThat(identity.subject()).isEqualTo("user-42");
        assertThat(identity.issuer()).isEqualTo(FakeProvider.ISSUER);
        assertThat(identity.name()).isEqualTo("Ada Lovelace");
        assertThat(identity.preferredUsername()).isEqualTo("ada");
        assertThat(identity.email()).isEqualTo("ada@example.org");
        assertThat(identity.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    }

    @Test
    void verifyWhenProviderSendsLoginIdThenIdentityCarriesItAndOtherwiseNull() {
        assertThat(verifier.verify(rs256(claims().withClaim("login_id", "L-1")), NONCE).loginId()).isEqualTo("L-1");
        assertThat(verifier.verify(rs256(claims()), NONCE).loginId()).isNull();
    }

    @Test
    void verifyWhenReverifiedWithoutNonceThenAccepted() {
        assertThat(verifier.verify(rs256(claims())).subject()).isEqualTo("user-42");
    }

    @Test
    void verifyWhenSignatureTamperedThenRejected() {
        String[] parts = rs256(claims()).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("user-42", "admin-1");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertRejected(tampered, Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenSignedByAnotherKeyWithSameKidThenRejected() {
        String forged = claims().sign(Algorithm.RSA256((RSAPublicKey) OTHER_RSA.getPublic(),
                (RSAPrivateKey) OTHER_RSA.getPrivate()));

        assertRejected(forged, Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenIssuerWrongThenRejected() {
        assertRejected(rs256(claims().withIssuer("https://op.example/other")), Reason.WRONG_ISSUER);
    }

    @Test
    void verifyWhenAudienceWrongThenRejected() {
        assertRejected(rs256(claims().withAudience("another-client")), Reason.WRONG_AUDIENCE);
    }

    @Test
    void verifyWhenSeveralAudiencesWithoutAzpThenRejected() {
        assertRejected(rs256(claims().withAudience(CLIENT_ID, "another-client")), Reason.WRONG_AUTHORIZED_PARTY);
    }

    @Test
    void verifyWhenSeveralAudiencesAndAzpIsUsThenAccepted() {
        String token = rs256(claims().withAudience(CLIENT_ID, "another-client").withClaim("azp", CLIENT_ID));

        assertThat(verifier.verify(token, NONCE).subject()).isEqualTo("user-42");
    }

    @Test
    void verifyWhenAzpIsAnotherClientThenRejected() {
        assertRejected(rs256(claims().withClaim("azp", "another-client")), Reason.WRONG_AUTHORIZED_PARTY);
    }

    @Test
    void verifyWhenExpiredBeyondSkewThenRejected() {
        String token = rs256(claims().withIssuedAt(NOW.minusSeconds(600)).withExpiresAt(NOW.minusSeconds(61)));

        assertRejected(token, Reason.EXPIRED);
    }

    @Test
    void verifyWhenExpiredWithinSkewThenAccepted() {
        String token = rs256(claims().withIssuedAt(NOW.minusSeconds(600)).withExpiresAt(NOW.minusSeconds(59)));

        assertThat(verifier.verify(token, NONCE).subject()).isEqualTo("user-42");
    }

    @Test
    void verifyWhenExpMissingThenRejected() {
        String token = rs256(JWT.create().withKeyId("rsa-1").withIssuer(FakeProvider.ISSUER).withAudience(CLIENT_ID)
                .withSubject("user-42").withIssuedAt(NOW).withClaim("nonce", NONCE));

        assertRejected(token, Reason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenIatMissingThenRejected() {
        String token = rs256(JWT.create().withKeyId("rsa-1").withIssuer(FakeProvider.ISSUER).withAudience(CLIENT_ID)
                .withSubject("user-42").withExpiresAt(NOW.plusSeconds(300)).withClaim("nonce", NONCE));

        assertRejected(token, Reason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenAlgNoneThenRejected() {
        String header = b64("{\"alg\":\"none\",\"kid\":\"rsa-1\"}");
        String payload = rs256(claims()).split("\\.")[1];

        assertRejected(header + "." + payload + ".", Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenHs256SignedWithRsaPublicKeyThenRejected() {
        // The classic key-confusion attack: the attacker knows the public key and uses its bytes as an HMAC secret.
        String token = claims().sign(Algorithm.HMAC256(RSA.getPublic().getEncoded()));

        assertRejected(token, Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenAlgImplementedButNotAdvertisedThenRejected() {
        String token = claims().sign(Algorithm.RSA512((RSAPublicKey) RSA.getPublic(), (RSAPrivateKey) RSA.getPrivate()));

        assertRejected(token, Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenHeaderAlgDoesNotFitKeyTypeThenRejected() {
        // An ES256 token naming the RSA key's kid: no key of the right type carries that kid.
        String token = claims().sign(Algorithm.ECDSA256((ECPublicKey) EC.getPublic(), (ECPrivateKey) EC.getPrivate()));

        assertRejected(token, Reason.UNKNOWN_KEY);
    }

    @Test
    void verifyWhenEs256KeyThenAccepted() {
        String token = claims().withKeyId("ec-1")
                .sign(Algorithm.ECDSA256((ECPublicKey) EC.getPublic(), (ECPrivateKey) EC.getPrivate()));

        assertThat(verifier.verify(token, NONCE).subject()).isEqualTo("user-42");
    }

    @Test
    void verifyWhenKidUnknownThenJwksRefetchedOnceThenRejected() {
        verifier.verify(rs256(claims()), NONCE);
        assertThat(provider.fetches(FakeProvider.JWKS_URI)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(11));
        String unknownKid = rs256(claims().withKeyId("rotated-away"));

        assertRejected(unknownKid, Reason.UNKNOWN_KEY);
        assertThat(provider.fetches(FakeProvider.JWKS_URI)).isEqualTo(2);

        assertRejected(unknownKid, Reason.UNKNOWN_KEY);
        assertThat(provider.fetches(FakeProvider.JWKS_URI)).as("no refetch within 10 s").isEqualTo(2);
    }

    @Test
    void verifyWhenKeyRotatedThenRefetchedKeyAccepted() {
        verifier.verify(rs256(claims()), NONCE);
        provider.jwks(List.of(TestKeys.rsaJwk("rsa-2", (RSAPublicKey) OTHER_RSA.getPublic())));
        clock.advance(Duration.ofSeconds(11));
        String rotated = claims().withKeyId("rsa-2")
                .sign(Algorithm.RSA256((RSAPublicKey) OTHER_RSA.getPublic(), (RSAPrivateKey) OTHER_RSA.getPrivate()));

        assertThat(verifier.verify(rotated, NONCE).subject()).isEqualTo("user-42");
        assertThat(provider.fetches(FakeProvider.JWKS_URI)).isEqualTo(2);
    }

    @Test
    void verifyWhenNonceMismatchThenRejected() {
        assertRejected(rs256(claims().withClaim("nonce", "someone-elses")), NONCE, Reason.NONCE_MISMATCH);
    }

    @Test
    void verifyWhenNonceMissingThenRejected() {
        String token = rs256(JWT.create().withKeyId("rsa-1").withIssuer(FakeProvider.ISSUER).withAudience(CLIENT_ID)
                .withSubject("user-42").withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(300)));

        assertRejected(token, NONCE, Reason.NONCE_MISMATCH);
    }

    @Test
    void verifyWhenNotAJwtThenRejected() {
        assertRejected("not-a-jwt", Reason.MALFORMED);
    }

    @Test
    void verifyWhenSubMissingThenRejected() {
        String token = rs256(JWT.create().withKeyId("rsa-1").withIssuer(FakeProvider.ISSUER).withAudience(CLIENT_ID)
                .withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(300)).withClaim("nonce", NONCE));

        assertRejected(token, Reason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenSidPresentThenSessionIdReturned() {
        assertThat(verifier.verify(rs256(claims().withClaim("sid", "op-session-1")), NONCE).sessionId())
                .isEqualTo("op-session-1");
    }

    @Test
    void verifyRefreshedWhenSameSignInWithoutNonceThenAccepted() {
        String original = rs256(claims().withClaim("auth_time", NOW.minusSeconds(900).getEpochSecond()));
        String renewed = rs256(JWT.create().withKeyId("rsa-1").withIssuer(FakeProvider.ISSUER).withAudience(CLIENT_ID)
                .withSubject("user-42").withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(300))
                .withClaim("auth_time", NOW.minusSeconds(900).getEpochSecond()));

        VerifiedIdentity identity = verifier.verifyRefreshed(renewed, original);

        assertThat(identity.subject()).isEqualTo("user-42");
        assertThat(identity.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    }

    @Test
    void verifyRefreshedWhenOriginalExpiredAndNonceRepeatedThenAccepted() {
        String original = rs256(claims().withIssuedAt(NOW.minusSeconds(900)).withExpiresAt(NOW.minusSeconds(600)));

        assertThat(verifier.verifyRefreshed(rs256(claims()), original).subject()).isEqualTo("user-42");
    }

    @Test
    void verifyRefreshedWhenSubjectDiffersThenRejected() {
        assertRefreshRejected(rs256(claims().withSubject("admin-1")), Reason.REFRESH_MISMATCH);
    }

    @Test
    void verifyRefreshedWhenAudienceDiffersThenRejected() {
        String renewed = rs256(claims().withAudience(CLIENT_ID, "another-client").withClaim("azp", CLIENT_ID));

        assertRefreshRejected(renewed, Reason.REFRESH_MISMATCH);
    }

    @Test
    void verifyRefreshedWhenNonceDiffersThenRejected() {
        assertRefreshRejected(rs256(claims().withClaim("nonce", "another-nonce")), Reason.REFRESH_MISMATCH);
    }

    @Test
    void verifyRefreshedWhenAuthTimeDiffersThenRejected() {
        String original = rs256(claims().withClaim("auth_time", NOW.minusSeconds(900).getEpochSecond()));
        String renewed = rs256(claims().withClaim("auth_time", NOW.getEpochSecond()));

        assertThatThrownBy(() -> verifier.verifyRefreshed(renewed, original)).isInstanceOfSatisfying(
                IdTokenException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REFRESH_MISMATCH));
    }

    @Test
    void verifyRefreshedWhenNewTokenExpiredOrForeignIssuerThenRejectedAsAnyIdToken() {
        assertRefreshRejected(rs256(claims().withExpiresAt(NOW.minusSeconds(61))), Reason.EXPIRED);
        assertRefreshRejected(rs256(claims().withIssuer("https://op.example/other")), Reason.WRONG_ISSUER);
    }

    private void assertRefreshRejected(String renewed, Reason reason) {
        String original = rs256(claims());
        assertThatThrownBy(() -> verifier.verifyRefreshed(renewed, original))
                .isInstanceOfSatisfying(IdTokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private void assertRejected(String token, Reason reason) {
        assertRejected(token, NONCE, reason);
    }

    private void assertRejected(String token, String nonce, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(token, nonce))
                .isInstanceOfSatisfying(IdTokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
