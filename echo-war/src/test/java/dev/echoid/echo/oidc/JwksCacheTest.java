package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.echoid.echo.oidc.IdTokenException.Reason;
import dev.echoid.echo.testsupport.TestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's JWKS cache against a provider over real HTTP (an in-process server on 127.0.0.1) that withdraws a
 * key, says how long its JWK Set may be cached ({@code Cache-Control: max-age}), and is flooded with tokens naming
 * keys it never had. The clock is the test's, so "after max-age" needs no sleeping.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys">OIDC Core §10.1.1</a>
 */
class JwksCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "echo-gateway";
    private static final KeyPair OLD = TestKeys.rsa();
    private static final KeyPair NEW = TestKeys.rsa();
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration REFETCH_INTERVAL = Duration.ofSeconds(10);

    private HttpServer server;
    private ProviderHttp http;
    private String issuer;
    private MutableClock clock;
    private IdTokenVerifier verifier;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private volatile List<Map<String, Object>> publishedKeys;
    private volatile String cacheControl;
    private volatile int jwksStatus = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realm";
        server.createContext("/realm/.well-known/openid-configuration", e -> answer(e, 200, null, Map.of(
                "issuer", issuer,
                "authorization_endpoint", issuer + "/authorize",
                "token_endpoint", issuer + "/token",
                "jwks_uri", issuer + "/jwks",
                "id_token_signing_alg_values_supported", List.of("RS256"))));
        server.createContext("/realm/jwks", e -> {
            jwksFetches.incrementAndGet();
            answer(e, jwksStatus, cacheControl, Map.of("keys", publishedKeys));
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        publishedKeys = List.of(jwk("old", OLD), jwk("new", NEW));
        cacheControl = "public, max-age=60";

        http = new ProviderHttp();
        clock = new MutableClock(NOW);
        ProviderDiscovery discovery = new ProviderDiscovery(issuer, http);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), http, clock, REFETCH_INTERVAL);
        verifier = new IdTokenVerifier(issuer, CLIENT_ID, Duration.ofSeconds(60), clock, discovery, keys);
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    @Test
    void withdrawnKeyWhenMaxAgePassedThenTokenSignedWithItRefused() {
        assertThat(verifier.verify(token("old", OLD)).subject()).isEqualTo("user-42");
        assertThat(jwksFetches.get()).isEqualTo(1);

        publishedKeys = List.of(jwk("new", NEW)); // the provider withdraws "old"
        clock.advance(Duration.ofSeconds(30));
        assertThat(verifier.verify(token("old", OLD)).subject()).as("within max-age the cached set stands")
                .isEqualTo("user-42");
        assertThat(jwksFetches.get()).as("max-age honoured: no fetch before it passed").isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        assertRejected(token("old", OLD), Reason.UNKNOWN_KEY);
        assertThat(jwksFetches.get()).isEqualTo(2);
        assertThat(verifier.verify(token("new", NEW)).subject()).isEqualTo("user-42");
        assertThat(jwksFetches.get()).as("the new set is fresh for another max-age").isEqualTo(2);
    }

    @Test
    void withdrawnKeyWhenProviderSendsNoCacheControlThenRefusedAfterDefaultLifetime() {
        cacheControl = null;
        verifier.verify(token("old", OLD));
        publishedKeys = List.of(jwk("new", NEW));

        clock.advance(JwkSet.DEFAULT_MAX_AGE.minusSeconds(1));
        verifier.verify(token("old", OLD));
        assertThat(jwksFetches.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        assertRejected(token("old", OLD), Reason.UNKNOWN_KEY);
        assertThat(jwksFetches.get()).isEqualTo(2);
    }

    @Test
    void unknownKidRefetchWhenNewSetLacksOldKeyThenWholeSetReplacedNotMerged() {
        publishedKeys = List.of(jwk("old", OLD));
        cacheControl = "max-age=3600";
        verifier.verify(token("old", OLD));
        publishedKeys = List.of(jwk("new", NEW)); // rotated: "new" in, "old" withdrawn
        clock.advance(REFETCH_INTERVAL.plusSeconds(1));

        // a token for the new key forces a refetch long before max-age; the old key must not survive it
        assertThat(verifier.verify(token("new", NEW)).subject()).isEqualTo("user-42");
        assertThat(jwksFetches.get()).isEqualTo(2);
        assertRejected(token("old", OLD), Reason.UNKNOWN_KEY);
    }

    @Test
    void floodOfUnknownKidsWhenSpreadOverAMinuteThenAtMostOneFetchPerInterval() {
        verifier.verify(token("old", OLD));
        cacheControl = "no-cache"; // even a provider that forbids caching gets no more than the rate limit
        int flood = 1_200;
        for (int i = 0; i < flood; i++) {
            clock.advance(Duration.ofMillis(50)); // 60 s in all
            assertRejected(token(UUID.randomUUID().toString(), OLD), Reason.UNKNOWN_KEY);
        }
        // the first load, then at most one refetch per 10 s of the 60 s
        assertThat(jwksFetches.get()).isBetween(2, 1 + 7);
    }

    @Test
    void floodOfUnknownKidsWhenConcurrentThenOneRefetch() throws Exception {
        verifier.verify(token("old", OLD));
        clock.advance(REFETCH_INTERVAL.plusSeconds(1));
        List<String> forged = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            forged.add(token(UUID.randomUUID().toString(), OLD));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reason>> answers = new ArrayList<>();
        try {
            for (String token : forged) {
                answers.add(pool.submit(() -> {
                    go.await();
                    try {
                        verifier.verify(token);
                        return null;
                    } catch (IdTokenException e) {
                        return e.reason();
                    }
                }));
            }
            go.countDown();
            for (Future<Reason> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(Reason.UNKNOWN_KEY);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jwksFetches.get()).as("the first load and one refetch for 400 forged kids").isEqualTo(2);
        // the real keys still work without another fetch
        verifier.verify(token("new", NEW));
        assertThat(jwksFetches.get()).isEqualTo(2);
    }

    @Test
    void providerDownWhenMaxAgePassedThenCachedKeysServeAndRefetchRateLimited() {
        verifier.verify(token("old", OLD));
        jwksStatus = 503;
        clock.advance(Duration.ofSeconds(61));

        // signed-in users keep being served while the provider is away (docs/operations.md, Health)
        assertThat(verifier.verify(token("old", OLD)).subject()).isEqualTo("user-42");
        assertThat(jwksFetches.get()).isEqualTo(2);
        for (int i = 0; i < 50; i++) {
            verifier.verify(token("old", OLD));
        }
        assertThat(jwksFetches.get()).as("one attempt per interval, not one per request").isEqualTo(2);

        jwksStatus = 200;
        publishedKeys = List.of(jwk("new", NEW));
        clock.advance(REFETCH_INTERVAL.plusSeconds(1));
        assertRejected(token("old", OLD), Reason.UNKNOWN_KEY);
        assertThat(jwksFetches.get()).isEqualTo(3);
    }

    @Test
    void maxAgeWhenHugeThenCappedAtADay() {
        cacheControl = "max-age=999999999";
        verifier.verify(token("old", OLD));
        publishedKeys = List.of(jwk("new", NEW));
        clock.advance(JwkSet.LONGEST_MAX_AGE.plusSeconds(1));

        assertRejected(token("old", OLD), Reason.UNKNOWN_KEY);
    }

    private void assertRejected(String token, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(IdTokenException.class)
                .extracting(e -> ((IdTokenException) e).reason())
                .isEqualTo(reason);
    }

    private String token(String kid, KeyPair key) {
        JWTCreator.Builder claims = JWT.create()
                .withKeyId(kid)
                .withIssuer(issuer)
                .withAudience(CLIENT_ID)
                .withSubject("user-42")
                .withIssuedAt(NOW.minusSeconds(5))
                .withExpiresAt(NOW.plus(Duration.ofDays(3)));
        return claims.sign(Algorithm.RSA256((RSAPublicKey) key.getPublic(), (RSAPrivateKey) key.getPrivate()));
    }

    private static Map<String, Object> jwk(String kid, KeyPair key) {
        return TestKeys.rsaJwk(kid, (RSAPublicKey) key.getPublic());
    }

    private static void answer(HttpExchange exchange, int status, String cacheControl, Object document)
            throws IOException {
        byte[] body = JSON.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (cacheControl != null) {
            exchange.getResponseHeaders().add("Cache-Control", cacheControl);
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
