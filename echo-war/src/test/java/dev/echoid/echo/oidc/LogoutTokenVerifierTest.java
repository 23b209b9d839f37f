package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.echo.oidc.LogoutTokenException.Reason;
import dev.echoid.echo.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogoutTokenVerifierTest {

    private static final String CLIENT_ID = "echo-gateway";
    private static final KeyPair RSA = TestKeys.rsa();
    private static final KeyPair OTHER_RSA = TestKeys.rsa();
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private MutableClock clock;
    private FakeProvider provider;
    private LogoutTokenVerifier verifier;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(NOW);
        provider = new FakeProvider()
                .jwks(List.of(TestKeys.rsaJwk("rsa-1", (RSAPublicKey) RSA.getPublic())));
        discovery(true);
        ProviderDiscovery discovery = new ProviderDiscovery(FakeProvider.ISSUER, provider);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), provider, clock, Duration.ofSeconds(10));
        verifier = new LogoutTokenVerifier(FakeProvider.ISSUER, CLIENT_ID, Duration.ofSeconds(60), clock, discovery,
                keys, new SeenTokenIds(clock, 100));
    }

    private void discovery(boolean backchannelLogoutSupported) {
        provider.serve(ProviderMetadata.discoveryUri(FakeProvider.ISSUER), Map.of(
                "issuer", FakeProvider.ISSUER,
                "authorization_endpoint", FakeProvider.ISSUER + "/authorize",
                "token_endpoint", FakeProvider.ISSUER + "/token",
                "jwks_uri", FakeProvider.JWKS_URI.toString(),
                "id_token_signing_alg_values_supported", List.of("RS256", "HS256", "none"),
                "backchannel_logout_supported", backchannelLogoutSupported));
    }

    /** Back-Channel Logout 1.0 §2.4's example, for our issuer and client. */
    private static Map<String, Object> claims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", FakeProvider.ISSUER);
        claims.put("sub", "user-42");
        claims.put("aud", CLIENT_ID);
        claims.put("iat", NOW.minusSeconds(5).getEpochSecond());
        claims.put("exp", NOW.plusSeconds(115).getEpochSecond());
        claims.put("jti", "bWJq");
        claims.put("sid", "08a5019c-17e1-4977-8f42-65a12843ea02");
        claims.put("events", Map.of(LogoutTokenVerifier.BACKCHANNEL_LOGOUT_EVENT, Map.of()));
        return claims;
    }

    private static String rs256(Map<String, Object> claims) {
        return JWT.create().withKeyId("rsa-1").withHeader(Map.of("typ", "logout+jwt")).withPayload(claims)
                .sign(Algorithm.RSA256((RSAPublicKey) RSA.getPublic(), (RSAPrivateKey) RSA.getPrivate()));
    }

    @Test
    void verifyWhenValidThenSubjectAndSessionReturned() {
        LogoutToken token = verifier.verify(rs256(claims()));

        assertThat(token.issuer()).isEqualTo(FakeProvider.ISSUER);
        assertThat(token.subject()).isEqualTo("user-42");
        assertThat(token.sessionId()).isEqualTo("08a5019c-17e1-4977-8f42-65a12843ea02");
        assertThat(token.tokenId()).isEqualTo("bWJq");
        assertThat(token.issuedAt()).isEqualTo(NOW.minusSeconds(5));
    }

    @Test
    void verifyWhenOnlySidOrOnlySubThenAccepted() {
        Map<String, Object> sidOnly = claims();
        sidOnly.remove("sub");
        Map<String, Object> subOnly = claims();
        subOnly.remove("sid");
        subOnly.put("jti", "other");

        assertThat(verifier.verify(rs256(sidOnly)).subject()).isNull();
        assertThat(verifier.verify(rs256(subOnly)).sessionId()).isNull();
    }

    @Test
    void verifyWhenExpAbsentThenAccepted() {
        Map<String, Object> claims = claims();
        claims.remove("exp");

        assertThat(verifier.verify(rs256(claims)).tokenId()).isEqualTo("bWJq");
    }

    @Test
    void verifyWhenSignedByAnotherKeyThenBadSignature() {
        String forged = JWT.create().withKeyId("rsa-1").withPayload(claims())
                .sign(Algorithm.RSA256((RSAPublicKey) OTHER_RSA.getPublic(), (RSAPrivateKey) OTHER_RSA.getPrivate()));

        assertRejected(forged, Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenAudienceWrongThenRejected() {
        Map<String, Object> claims = claims();
        claims.put("aud", "another-client");

        assertRejected(rs256(claims), Reason.WRONG_AUDIENCE);
    }

    @Test
    void verifyWhenIssuerWrongThenRejected() {
        Map<String, Object> claims = claims();
        claims.put("iss", "https://op.example/other");

        assertRejected(rs256(claims), Reason.WRONG_ISSUER);
    }

    @Test
    void verifyWhenEventsMissingThenRejected() {
        Map<String, Object> claims = claims();
        claims.remove("events");

        assertRejected(rs256(claims), Reason.NO_LOGOUT_EVENT);
    }

    @Test
    void verifyWhenEventsLackBackchannelMemberOrItIsNotAnObjectThenRejected() {
        Map<String, Object> otherEvent = claims();
        otherEvent.put("events", Map.of("http://schemas.openid.net/event/other", Map.of()));
        Map<String, Object> notObject = claims();
        notObject.put("events", Map.of(LogoutTokenVerifier.BACKCHANNEL_LOGOUT_EVENT, "yes"));

        assertRejected(rs256(otherEvent), Reason.NO_LOGOUT_EVENT);
        assertRejected(rs256(notObject), Reason.NO_LOGOUT_EVENT);
    }

    @Test
    void verifyWhenNonceThenRejected() {
        Map<String, Object> claims = claims();
        claims.put("nonce", "n-0S6_WzA2Mj");

        assertRejected(rs256(claims), Reason.NONCE_PRESENT);
    }

    @Test
    void verifyWhenJtiMissingThenRejected() {
        Map<String, Object> claims = claims();
        claims.remove("jti");

        assertRejected(rs256(claims), Reason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenJtiReplayedThenRejected() {
        String token = rs256(claims());
        verifier.verify(token);

        assertRejected(token, Reason.REPLAYED);
    }

    @Test
    void verifyWhenRefusedForAnotherReasonThenJtiNotRemembered() {
        Map<String, Object> withNonce = claims();
        withNonce.put("nonce", "n");
        assertRejected(rs256(withNonce), Reason.NONCE_PRESENT);

        assertThat(verifier.verify(rs256(claims())).tokenId()).isEqualTo("bWJq");
    }

    @Test
    void verifyWhenNeitherSubNorSidThenRejected() {
        Map<String, Object> claims = claims();
        claims.remove("sub");
        claims.remove("sid");

        assertRejected(rs256(claims), Reason.NO_SUBJECT_OR_SESSION);
    }

    @Test
    void verifyWhenAlgNoneThenRejected() {
        String token = b64("{\"alg\":\"none\",\"kid\":\"rsa-1\"}") + "." + b64(json(claims())) + ".";

        assertRejected(token, Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenHs256SignedWithRsaPublicKeyThenRejected() {
        String token = JWT.create().withKeyId("rsa-1").withPayload(claims())
                .sign(Algorithm.HMAC256(RSA.getPublic().getEncoded()));

        assertRejected(token, Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenIatMissingThenRejected() {
        Map<String, Object> claims = claims();
        claims.remove("iat");

        assertRejected(rs256(claims), Reason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenIatTooOldOrInTheFutureThenRejected() {
        Map<String, Object> old = claims();
        old.put("iat", NOW.minus(LogoutTokenVerifier.MAX_AGE).minusSeconds(61).getEpochSecond());
        old.remove("exp");
        Map<String, Object> future = claims();
        future.put("iat", NOW.plusSeconds(61).getEpochSecond());

        assertRejected(rs256(old), Reason.NOT_RECENT);
        assertRejected(rs256(future), Reason.NOT_RECENT);
    }

    @Test
    void verifyWhenExpiredThenRejected() {
        Map<String, Object> claims = claims();
        claims.put("exp", NOW.minusSeconds(61).getEpochSecond());

        assertRejected(rs256(claims), Reason.EXPIRED);
    }

    @Test
    void verifyWhenProviderDoesNotAdvertiseBackchannelLogoutThenRejected() {
        discovery(false);
        ProviderDiscovery discovery = new ProviderDiscovery(FakeProvider.ISSUER, provider);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), provider, clock, Duration.ofSeconds(10));
        LogoutTokenVerifier strict = new LogoutTokenVerifier(FakeProvider.ISSUER, CLIENT_ID, Duration.ofSeconds(60),
                clock, discovery, keys, new SeenTokenIds(clock, 100));

        assertThatThrownBy(() -> strict.verify(rs256(claims()))).isInstanceOfSatisfying(LogoutTokenException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ADVERTISED));
    }

    @Test
    void verifyWhenNotAJwtThenMalformed() {
        assertRejected("not-a-jwt", Reason.MALFORMED);
    }

    @Test
    void seenTokenIdsWhenFullThenExpiredForgottenFirstThenSoonestToExpire() {
        SeenTokenIds seen = new SeenTokenIds(clock, 2);
        assertThat(seen.firstUse("a", NOW.plusSeconds(10))).isTrue();
        assertThat(seen.firstUse("b", NOW.plusSeconds(100))).isTrue();
        assertThat(seen.firstUse("a", NOW.plusSeconds(10))).isFalse();

        assertThat(seen.firstUse("c", NOW.plusSeconds(50))).isTrue();

        assertThat(seen.size()).isEqualTo(2);
        assertThat(seen.firstUse("b", NOW.plusSeconds(100))).as("b, latest to expire, was kept").isFalse();
        clock.advance(Duration.ofSeconds(101));
        assertThat(seen.firstUse("b", NOW.plusSeconds(300))).as("forgotten once past its time").isTrue();
    }

    private void assertRejected(String token, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(LogoutTokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
