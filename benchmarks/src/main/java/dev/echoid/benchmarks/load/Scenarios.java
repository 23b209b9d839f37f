package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The driver's scenarios against one running system. */
final class Scenarios {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One client for every scenario: it keeps its connections, as programs and browsers do. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();
    private final String issuer;
    private final String gateway;
    private final String clientId;
    private final String clientSecret;
    private final GatewaySignIn gatewaySignIn;

    Scenarios(DevServer server) {
        this.issuer = server.options().issuer();
        this.gateway = server.options().gateway();
        this.clientId = DevServer.CLIENT_ID;
        this.clientSecret = server.clientSecret();
        this.gatewaySignIn = new GatewaySignIn(http, gateway, TIMEOUT);
    }

    /** Signs in once, with a new cookie jar: the gateway session's cookie. */
    String signedInSession() throws Exception {
        return gatewaySignIn.signIn();
    }

    /** Relying parties fetch it to find the provider: no database, no cryptography; the baseline. */
    Scenario discovery() {
        URI uri = URI.create(issuer + "/.well-known/openid-configuration");
        return new Scenario("discovery", "GET", () -> expectBody(get(uri), 200, "\"jwks_uri\"", "discovery"));
    }

    /** The provider's public keys, from its in-memory key cache. */
    Scenario jwks() {
        URI uri = URI.create(issuer + "/jwks");
        return new Scenario("jwks", "GET", () -> expectBody(get(uri), 200, "\"keys\"", "jwks"));
    }

    /**
     * RFC 6749 §4.4 with {@code client_secret_basic}: the secret is checked against its Argon2id hash, an access token
     * is signed (RS256) and recorded with its grant, and an audit row is written.
     */
    Scenario clientCredentials() {
        URI uri = URI.create(issuer + "/token");
        // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined and base64-encoded
        String basic = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        return new Scenario("client_credentials", "POST /token",
                () -> expectBody(send(request), 200, "\"access_token\"", "client_credentials"));
    }

    /** A whole sign-in with a new cookie jar, so the provider asks for the password; see {@link GatewaySignIn}. */
    Scenario signIn() {
        return new Scenario("sign_in", "sign-in (7 exchanges)", gatewaySignIn::signIn);
    }

    /**
     * {@code GET /api/echo} as signed-in browsers: the gateway finds the session and verifies its ID token again
     * (signature, {@code iss}, {@code aud}, {@code exp}) before it answers. Round robin over {@code sessions}.
     */
    Scenario apiEcho(List<String> sessions) {
        URI uri = URI.create(gateway + "/api/echo");
        List<HttpRequest> requests = sessions.stream()
                .map(session -> HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                        .header("Accept", "application/json")
                        .header("Cookie", GatewaySignIn.SESSION_COOKIE + "=" + session)
                        .GET().build())
                .toList();
        AtomicLong next = new AtomicLong();
        return new Scenario("api_echo", "GET, signed in", () -> expectBody(
                send(requests.get((int) (next.getAndIncrement() % requests.size()))), 200,
                "\"preferred_username\"", "api/echo"));
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void expectBody(HttpResponse<String> response, int status, String member, String step) {
        GatewaySignIn.expect(response, status, step);
        if (!response.body().contains(member)) {
            throw new IllegalStateException(step + ": the answer lacks " + member);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
