package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.fixtures.AllActiveAccessTokens;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AccessTokens;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.SigningKeys.KeyInfo;
import dev.echoid.identity.token.SigningKeys.Rotation;
import dev.echoid.identity.token.SigningKeys.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rotation by time: published before signing, signing after the delay, verifying for the token lifetime after. */
class SigningKeysRotationTest {

    private static final Duration DELAY = Duration.ofSeconds(600);
    // ID tokens live 900 s, access tokens 600 s: a superseded key verifies for 900 s + 60 s skew after the switch
    private static final Duration WINDOW = Duration.ofSeconds(960);

    private final IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
            "IDENTITY_ISSUER", "https://id.example/identity")));
    // starts at the real time, so that java-jwt's own expiry checks agree with the tokens issued here
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final InMemorySigningKeyStore store = new InMemorySigningKeyStore();
    private final SigningKeys keys = node(store);
    private final User user = new User(UUID.randomUUID(), "ada", "hash", "Ada", "ada@example.com", true, true);

    private SigningKeys node(InMemorySigningKeyStore on) {
        return new SigningKeys(on, Optional.empty(), clock, DELAY, settings.maxTokenLifetime());
    }

    @Test
    void initializeWhenNoKeysThenOneKeyPerAlgorithmSignsAtOnce() {
        keys.initialize();
        assertThat(keys.supportedAlgorithms()).containsExactly("RS256", "ES256");
        assertThat(keys.signingKey("RS256")).isInstanceOf(SigningKey.Rsa.class);
        assertThat(keys.signingKey("ES256")).isInstanceOf(SigningKey.Ec.class);
        assertThat(keys.keys()).extracting(KeyInfo::status).containsExactly(Status.ACTIVE, Status.ACTIVE);
        assertThat(kids(keys)).containsExactly(keys.signingKey().kid(), keys.signingKey("ES256").kid());

        node(store).initialize();
        assertThat(store.keys).as("a second node start adds no key").hasSize(2);
    }

    @Test
    void rotateThenNewKeyIsInJwksBeforeItSignsAndSignsAfterTheDelay() {
        keys.initialize();
        String old = keys.signingKey().kid();
        clock.advance(Duration.ofHours(1));

        Rotation rotation = keys.rotate("RS256");
        String upcoming = rotation.key().kid();
        assertThat(rotation.added()).isTrue();
        assertThat(rotation.key().status()).isEqualTo(Status.UPCOMING);
        assertThat(rotation.key().notBefore()).isEqualTo(clock.instant().plus(DELAY));
        assertThat(upcoming).isNotEqualTo(old);
        assertThat(kids(keys)).contains(upcoming, old);
        assertThat(keys.signingKey().kid()).isEqualTo(old);

        clock.advance(DELAY.minusMillis(1));
        assertThat(keys.signingKey().kid()).isEqualTo(old);
        assertThat(idTokenKid("RS256")).isEqualTo(old);

        clock.advance(Duration.ofMillis(1));
        assertThat(keys.signingKey().kid()).isEqualTo(upcoming);
        assertThat(idTokenKid("RS256")).isEqualTo(upcoming);
        assertThat(JWT.decode(issuer().accessToken(user.id().toString(), "echo", Scope.of("openid"),
                clock.instant()).value()).getKeyId()).isEqualTo(upcoming);
        assertThat(keys.signingKey("ES256").kid()).as("ES256 is not rotated").isEqualTo(kidOf("ES256"));
    }

    @Test
    void rotateThenOldKeyVerifiesUntilTheLongestTokenLifetimeAfterTheSwitchThenDisappears() {
        keys.initialize();
        String old = keys.signingKey().kid();
        Rotation rotation = keys.rotate("RS256");
        Instant switchAt = rotation.key().notBefore();

        // the last ID token the old key signs, one second before the switch
        clock.set(switchAt.minusSeconds(1));
        String idToken = issuer().idToken(user, "echo", Scope.of("openid"), null, clock.instant(), null, "RS256");
        assertThat(JWT.decode(idToken).getKeyId()).isEqualTo(old);

        // a relying party checking it just before it expires still finds the key
        clock.set(switchAt.plusSeconds(899));
        assertThat(keyInfo(old).status()).isEqualTo(Status.RETIRING);
        assertThat(verifyAt(idToken, switchAt.plusSeconds(897)).getKeyId()).isEqualTo(old);
        assertThat(kids(keys)).contains(old, rotation.key().kid());
        assertThat(keyInfo(old).retiresAt()).isEqualTo(switchAt.plus(WINDOW));

        clock.set(switchAt.plus(WINDOW).minusMillis(1));
        assertThat(kids(keys)).contains(old);
        assertThat(keys.byKid(old)).isPresent();

        clock.set(switchAt.plus(WINDOW));
        assertThat(kids(keys)).doesNotContain(old).contains(rotation.key().kid());
        assertThat(keys.byKid(old)).isEmpty();
        assertThat(keyInfo(old).status()).as("the row is kept").isEqualTo(Status.RETIRED);
        assertThat(store.keys).hasSize(3);
    }

    @Test
    void accessTokenVerifierWhenSignedByTheSupersededKeyThenAcceptedUntilItIsWithdrawn() {
        keys.initialize();
        AccessTokens allActive = new AllActiveAccessTokens();
        AccessTokenVerifier verifier = new AccessTokenVerifier(settings, keys, allActive, java.time.Clock.systemUTC());
        // issued now (java-jwt checks exp against the real clock)
        String token = issuer().accessToken(user.id().toString(), "echo", Scope.of("openid"), clock.instant())
                .value();
        Rotation rotation = keys.rotate("RS256");

        clock.set(rotation.key().notBefore().plusSeconds(1));
        assertThat(keys.signingKey().kid()).isEqualTo(rotation.key().kid());
        assertThat(verifier.verify(token).subject()).isEqualTo(user.id().toString());

        clock.set(rotation.key().notBefore().plus(WINDOW));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(OAuthException.class);
    }

    @Test
    void rotateWhenCalledTwiceThenTheUpcomingKeyIsReturnedNotStacked() {
        keys.initialize();
        Rotation first = keys.rotate("RS256");
        clock.advance(Duration.ofSeconds(10));
        Rotation second = keys.rotate("RS256");
        assertThat(second.added()).isFalse();
        assertThat(second.key().kid()).isEqualTo(first.key().kid());
        assertThat(second.key().notBefore()).isEqualTo(first.key().notBefore());
        assertThat(store.keys).hasSize(3);

        // another node rotating meanwhile gets the same upcoming key
        assertThat(node(store).initialize().rotate("RS256").key().kid()).isEqualTo(first.key().kid());

        // once it signs, the next rotation adds a new key
        clock.set(first.key().notBefore());
        Rotation third = keys.rotate("RS256");
        assertThat(third.added()).isTrue();
        assertThat(third.key().kid()).isNotIn(first.key().kid(), kidOf("ES256"));
        assertThat(store.keys).hasSize(4);
    }

    @Test
    void keysWhenRotatedThenListShowsEveryStatusAndNoPrivatePart() {
        keys.initialize();
        String first = keys.signingKey().kid();
        String second = keys.rotate("RS256").key().kid();
        clock.advance(DELAY);
        String third = keys.rotate("RS256").key().kid();
        assertThat(keyInfo(first).status()).isEqualTo(Status.RETIRING);
        assertThat(keyInfo(second).status()).isEqualTo(Status.ACTIVE);
        assertThat(keyInfo(third).status()).isEqualTo(Status.UPCOMING);
        assertThat(keyInfo(second).retiresAt()).as("known once its successor exists")
                .isEqualTo(keyInfo(third).notBefore().plus(WINDOW));
        assertThat(keyInfo(kidOf("ES256")).retiresAt()).as("no successor").isNull();
        clock.advance(WINDOW);
        assertThat(keyInfo(first).status()).isEqualTo(Status.RETIRED);
        assertThat(keys.keys()).extracting(KeyInfo::kid).containsExactly(third, second, first, kidOf("ES256"));
    }

    @Test
    void rotateWhenEncryptionKeySetThenNewKeySealed() {
        byte[] secret = new byte[32];
        secret[3] = 9;
        SigningKeys sealed = new SigningKeys(store, Optional.of(secret), clock, DELAY, settings.maxTokenLifetime())
                .initialize();
        sealed.rotate("ES256");
        assertThat(store.keys).hasSize(3).allSatisfy(k -> assertThat(k.privateKey()).startsWith("aesgcm:"));
    }

    @Test
    void byKidWhenAnotherNodeRotatedThenReloadedOnUnknownKidAtMostOncePerInterval() {
        keys.initialize();
        SigningKeys otherNode = node(store).initialize();

        String rsa = otherNode.rotate("RS256").key().kid();
        assertThat(kids(keys)).as("cached for up to 30 s").doesNotContain(rsa);
        clock.advance(SigningKeys.MIN_RELOAD_INTERVAL);
        assertThat(keys.byKid(rsa)).as("an unknown kid reloads").isPresent();
        assertThat(kids(keys)).contains(rsa);

        String ec = otherNode.rotate("ES256").key().kid();
        assertThat(keys.byKid(ec)).as("not again within the interval").isEmpty();
        clock.advance(SigningKeys.MIN_RELOAD_INTERVAL);
        assertThat(keys.byKid(ec)).isPresent();
    }

    @Test
    void jwksWhenCacheExpiresThenAnotherNodesRotationIsPublished() {
        keys.initialize();
        SigningKeys otherNode = node(store).initialize();
        clock.advance(Duration.ofSeconds(1));
        String upcoming = otherNode.rotate("ES256").key().kid();
        assertThat(kids(keys)).doesNotContain(upcoming);
        clock.advance(SigningKeys.CACHE_TIME);
        assertThat(kids(keys)).contains(upcoming);
    }

    @Test
    void signingKeyWhenAlgorithmUnsupportedThenRejected() {
        keys.initialize();
        assertThatThrownBy(() -> keys.signingKey("HS256")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotate("none")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ---

    private JwtIssuer issuer() {
        return new JwtIssuer(settings, keys, clock);
    }

    private String idTokenKid(String algorithm) {
        return JWT.decode(issuer().idToken(user, "echo", Scope.of("openid"), null, clock.instant(), null, algorithm))
                .getKeyId();
    }

    private DecodedJWT verifyAt(String token, Instant at) {
        SigningKey key = keys.byKid(JWT.decode(token).getKeyId()).orElseThrow();
        JWTVerifier verifier = ((com.auth0.jwt.JWTVerifier.BaseVerification) JWT.require(key.verifier()))
                .build(java.time.Clock.fixed(at, java.time.ZoneOffset.UTC));
        return verifier.verify(token);
    }

    private KeyInfo keyInfo(String kid) {
        return keys.keys().stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
    }

    private String kidOf(String algorithm) {
        return store.keys.stream().filter(k -> k.algorithm().equals(algorithm)).findFirst().orElseThrow().kid();
    }

    @SuppressWarnings("unchecked")
    static List<String> kids(SigningKeys keys) {
        return ((List<Map<String, Object>>) keys.jwks().get("keys")).stream()
                .map(jwk -> (String) jwk.get("kid")).toList();
    }
}
