package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ProviderHttp and TokenEndpointClient over real HTTP, against an in-process server on 127.0.0.1. */
class ProviderHttpTest {

    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private HttpServer server;
    private ProviderHttp http;
    private final AtomicReference<String> tokenRequestBody = new AtomicReference<>();
    private final AtomicReference<String> tokenAuthorization = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong endlessSent = new java.util.concurrent.atomic.AtomicLong();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", e -> answer(e, 200, "{\"issuer\":\"x\"}"));
        server.createContext("/missing", e -> answer(e, 404, "{}"));
        server.createContext("/array", e -> answer(e, 200, "[1,2]"));
        server.createContext("/moved", e -> {
            e.getResponseHeaders().add("Location", "/ok");
            e.sendResponseHeaders(302, -1);
            e.close();
        });
        server.createContext("/token-ok", e -> {
            tokenAuthorization.set(e.getRequestHeaders().getFirst("Authorization"));
            tokenRequestBody.set(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(e, 200, "{\"id_token\":\"a.b.c\",\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60}");
        });
        server.createContext("/token-refused", e -> answer(e, 400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"code already used\"}"));
        server.createContext("/token-html", e -> answer(e, 500, "<html>oops</html>"));
        server.createContext("/token-refresh", e -> {
            tokenAuthorization.set(e.getRequestHeaders().getFirst("Authorization"));
            tokenRequestBody.set(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(e, 200, "{\"access_token\":\"at2\",\"token_type\":\"Bearer\",\"refresh_token\":\"rt2\"}");
        });
        server.createContext("/token-unavailable", e -> answer(e, 503, "{\"error\":\"temporarily_unavailable\"}"));
        server.createContext("/revoke", e -> {
            tokenAuthorization.set(e.getRequestHeaders().getFirst("Authorization"));
            tokenRequestBody.set(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            e.sendResponseHeaders(200, -1);
            e.close();
        });
        // a provider (or whatever answers in its place) that never stops sending its JWK Set
        server.createContext("/endless", e -> {
            e.getResponseHeaders().add("Content-Type", "application/json");
            e.sendResponseHeaders(200, 0);
            byte[] chunk = ("{\"keys\":[" + " ".repeat(64 * 1024)).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = e.getResponseBody()) {
                while (endlessSent.get() < 100L * 1024 * 1024) {
                    out.write(chunk);
                    endlessSent.addAndGet(chunk.length);
                }
            } catch (IOException clientGaveUp) {
                // expected: the gateway cancels the exchange
            }
        });
        server.createContext("/declared-huge", e -> {
            e.getResponseHeaders().add("Content-Type", "application/json");
            e.sendResponseHeaders(200, 100L * 1024 * 1024);
            try (OutputStream out = e.getResponseBody()) {
                out.write("{\"keys\":[".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException clientGaveUp) {
                // expected
            }
        });
        server.createContext("/revoke-refused", e -> answer(e, 401, "{\"error\":\"invalid_client\"}"));
        server.start();
        http = new ProviderHttp();
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void maxAgeWhenCacheControlGivenThenFreshnessLifetimeLessAge() {
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "public, max-age=300"))).contains(Duration.ofSeconds(300));
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "MAX-AGE=\"60\""))).contains(Duration.ofSeconds(60));
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "max-age=300", "Age", "100")))
                .contains(Duration.ofSeconds(200));
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "max-age=30", "Age", "100"))).contains(Duration.ZERO);
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "max-age=300, no-cache"))).contains(Duration.ZERO);
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "no-store"))).contains(Duration.ZERO);
        // RFC 9111 §4.2.1: an invalid max-age is treated as stale, never as "forever"
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "max-age=-5"))).contains(Duration.ZERO);
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "max-age=99999999999999999999")))
                .contains(Duration.ZERO);
        assertThat(ProviderHttp.maxAge(headers("Cache-Control", "public"))).isEmpty();
        assertThat(ProviderHttp.maxAge(headers())).isEmpty();
    }

    private static java.net.http.HttpHeaders headers(String... namesAndValues) {
        java.util.Map<String, java.util.List<String>> map = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.computeIfAbsent(namesAndValues[i], n -> new java.util.ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return java.net.http.HttpHeaders.of(map, (name, value) -> true);
    }

    @Test
    void fetchWhenJsonObjectThenParsed() {
        assertThat(http.fetch(uri("/ok")).path("issuer").asText()).isEqualTo("x");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void fetchWhenProviderSendsAnEndlessBodyThenRefusedAfterTheLimitNotBuffered() throws Exception {
        assertThatThrownBy(() -> http.fetch(uri("/endless"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("larger than " + ProviderHttp.MAX_RESPONSE_BYTES);
        Thread.sleep(200); // let the server notice the closed connection
        // the server could not push more than the limit plus what socket buffers hold, far from its 100 MiB
        assertThat(endlessSent.get()).isLessThan(16L * 1024 * 1024);
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void fetchWhenProviderDeclaresAHugeBodyThenRefusedBeforeReadingIt() {
        assertThatThrownBy(() -> http.fetch(uri("/declared-huge"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("larger than " + ProviderHttp.MAX_RESPONSE_BYTES);
    }

    @Test
    void fetchWhenNotFoundOrNotObjectOrRedirectThenProviderException() {
        assertThatThrownBy(() -> http.fetch(uri("/missing"))).isInstanceOf(ProviderException.class).hasMessageContaining("404");
        assertThatThrownBy(() -> http.fetch(uri("/array"))).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> http.fetch(uri("/moved"))).isInstanceOf(ProviderException.class).hasMessageContaining("302");
    }

    @Test
    void exchangeWhenSuccessThenFormAndBasicAuthSentAndTokensParsed() {
        TokenEndpointClient client = new TokenEndpointClient(http, "echo", "p@ss word",
                URI.create("http://localhost:5000/callback"));

        TokenResponse tokens = client.exchange(uri("/token-ok"), "c0de/+", new CodeVerifier(VERIFIER));

        assertThat(tokens.idToken()).isEqualTo("a.b.c");
        assertThat(tokens.accessToken()).isEqualTo("at");
        assertThat(tokenRequestBody.get()).isEqualTo("grant_type=authorization_code&code=c0de%2F%2B"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2Fcallback&code_verifier=" + VERIFIER);
        assertThat(tokenAuthorization.get()).isEqualTo(TokenEndpointClient.basicAuthorization("echo", "p@ss word"));
    }

    @Test
    void exchangeWhenProviderAnswersErrorThenTokenEndpointExceptionWithCode() {
        TokenEndpointClient client = new TokenEndpointClient(http, "echo", "s", URI.create("http://localhost/cb"));

        assertThatThrownBy(() -> client.exchange(uri("/token-refused"), "c", new CodeVerifier(VERIFIER)))
                .isInstanceOfSatisfying(TokenEndpointException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
        assertThatThrownBy(() -> client.exchange(uri("/token-html"), "c", new CodeVerifier(VERIFIER)))
                .isInstanceOf(ProviderException.class).hasMessageContaining("500");
    }

    @Test
    void refreshWhenSuccessThenRefreshGrantSentAndRotatedTokenParsedWithoutIdToken() {
        TokenEndpointClient client = new TokenEndpointClient(http, "echo", "p@ss word", URI.create("http://localhost/cb"));

        TokenResponse tokens = client.refresh(uri("/token-refresh"), "rt/1+");

        assertThat(tokenRequestBody.get()).isEqualTo("grant_type=refresh_token&refresh_token=rt%2F1%2B");
        assertThat(tokenAuthorization.get()).isEqualTo(TokenEndpointClient.basicAuthorization("echo", "p@ss word"));
        assertThat(tokens.idToken()).isNull();
        assertThat(tokens.accessToken()).isEqualTo("at2");
        assertThat(tokens.refreshToken()).isEqualTo("rt2");
        assertThat(tokens.toString()).doesNotContain("rt2").doesNotContain("at2");
    }

    @Test
    void refreshWhenRefusedThenRefusedAndWhenUnavailableThenNot() {
        TokenEndpointClient client = new TokenEndpointClient(http, "echo", "s", URI.create("http://localhost/cb"));

        assertThatThrownBy(() -> client.refresh(uri("/token-refused"), "rt"))
                .isInstanceOfSatisfying(TokenEndpointException.class, e -> assertThat(e.refused()).isTrue());
        assertThatThrownBy(() -> client.refresh(uri("/token-unavailable"), "rt"))
                .isInstanceOfSatisfying(TokenEndpointException.class, e -> {
                    assertThat(e.refused()).isFalse();
                    assertThat(e.status()).isEqualTo(503);
                });
    }

    @Test
    void revokeWhenSuccessThenTokenAndHintSentWithBasicAuth() {
        RevocationEndpointClient client = new RevocationEndpointClient(http, "echo", "p@ss word");

        client.revokeRefreshToken(uri("/revoke"), "rt 1");

        assertThat(tokenRequestBody.get()).isEqualTo("token=rt%201&token_type_hint=refresh_token");
        assertThat(tokenAuthorization.get()).isEqualTo(TokenEndpointClient.basicAuthorization("echo", "p@ss word"));
    }

    @Test
    void revokeWhenProviderAnswersErrorThenProviderException() {
        RevocationEndpointClient client = new RevocationEndpointClient(http, "echo", "s");

        assertThatThrownBy(() -> client.revokeRefreshToken(uri("/revoke-refused"), "rt"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("401");
    }

    @Test
    void fetchWhenNothingListensThenProviderException() {
        URI closed = uri("/ok");
        server.stop(0);

        assertThatThrownBy(() -> http.fetch(closed)).isInstanceOf(ProviderException.class);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
