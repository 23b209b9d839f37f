package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.echoid.echo.config.GatewaySettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The optional features against a provider that advertises none of them: nothing is sent, nothing fails. */
class RelyingPartyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private RelyingParty relyingParty;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/op/.well-known/openid-configuration", e -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer());
            doc.put("authorization_endpoint", issuer() + "/authorize");
            doc.put("token_endpoint", issuer() + "/token");
            doc.put("jwks_uri", issuer() + "/jwks");
            doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
            answer(e, doc);
        });
        server.createContext("/op/token", e -> {
            calls.incrementAndGet();
            answer(e, Map.of("access_token", "at2", "token_type", "Bearer", "refresh_token", "rt2"));
        });
        server.createContext("/op/", e -> {
            calls.incrementAndGet();
            answer(e, Map.of());
        });
        server.start();
        GatewaySettings settings = GatewaySettings.builder().issuer(issuer()).clientId("echo").clientSecret("s")
                .redirectUri("http://localhost:5000/callback").build();
        relyingParty = new RelyingParty(settings, new ProviderHttp(), Clock.systemUTC(), new SecureRandom());
    }

    @AfterEach
    void stop() {
        relyingParty.close();
        server.stop(0);
    }

    private String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/op";
    }

    @Test
    void endSessionWhenNoEndSessionEndpointAdvertisedThenEmpty() {
        assertThat(relyingParty.endSession("h.p.s", URI.create("http://localhost:5000/signed-out"))).isEmpty();
    }

    @Test
    void revokeWhenNoRevocationEndpointAdvertisedThenNothingSent() {
        assertThat(relyingParty.revokeRefreshToken("rt")).isFalse();
        relyingParty.revokeQuietly("rt");

        assertThat(calls).hasValue(0);
    }

    @Test
    void refreshWhenProviderAnswersWithoutIdTokenThenRotatedTokenKeptAndNoFurtherRenewal() {
        SessionTokens current = new SessionTokens("old.id.token", "at1", "rt1", true);

        SessionTokens renewed = relyingParty.refresh(current);

        assertThat(renewed.idToken()).isEqualTo("old.id.token");
        assertThat(renewed.accessToken()).isEqualTo("at2");
        assertThat(renewed.refreshToken()).isEqualTo("rt2");
        assertThat(renewed.canRefresh()).isFalse();
        assertThat(calls).hasValue(1);
    }

    private static void answer(HttpExchange exchange, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
