package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The driver's scenarios against one running system. */
final class Scenarios {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Kubernetes' default for a probe ({@code timeoutSeconds: 1}). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** The flood's client: not registered, and it sends no secret. */
    static final String UNKNOWN_CLIENT = "flood-unknown-client";

    /** One client for every scenario: it keeps its connections, as programs and browsers do. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();
    private final String issuer;
    private final String gateway;
    private final String health;
    private final String clientSecret;
    private final GatewaySignIn gatewaySignIn;
    private final CodeFlowClient codeFlow;

    /** @param health the provider's base URL on its health port, where the orchestrator's probes go */
    Scenarios(String issuer, String gateway, String health, String clientSecret) {
        this.issuer = issuer;
        this.gateway = gateway;
        this.health = health;
        this.clientSecret = clientSecret;
        BrowserExchanges browser = new BrowserExchanges(http, TIMEOUT);
        this.gatewaySignIn = new GatewaySignIn(browser, gateway);
        this.codeFlow = new CodeFlowClient(http, browser, TIMEOUT, issuer, gateway, clientSecret);
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
     * RFC 6749 §4.4 with {@code client_secret_basic}: the secret is checked against its stored hash, an access token
     * is signed (RS256) and recorded with its grant, and an audit row is written.
     */
    Scenario clientCredentials() {
        URI uri = URI.create(issuer + "/token");
        // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined and base64-encoded
        String basic = "Basic " + Base64.getEncoder().encodeToString((form(DevServer.CLIENT_ID) + ":"
                + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        return new Scenario("client_credentials", "POST /token",
                () -> expectBody(send(request), 200, "\"access_token\"", "client_credentials"));
    }

    /**
     * RFC 6749 §6 with rotation: each of {@code chains} workers first signs in at the provider (unmeasured, before
     * this returns: the code flow with {@code offline_access}, the code redeemed), then refreshes its own chain,
     * each refresh with the token the previous one returned.
     */
    Scenario refresh(int chains) throws Exception {
        Queue<String> firstTokens = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < chains; i++) {
            CookieManager jar = CodeFlowClient.newJar();
            firstTokens.add(codeFlow.redeem(codeFlow.signIn(jar)).get("refresh_token").asText());
        }
        ThreadLocal<String> chain = new ThreadLocal<>();
        return new Scenario("refresh", "POST /token", () -> {
            String token = chain.get();
            if (token == null) {
                token = firstTokens.remove(); // the worker's own chain, taken at its first refresh
            }
            chain.set(codeFlow.refresh(token));
        });
    }

    /**
     * Browsers signed in at the provider (one password sign-in each, unmeasured), whose further authorization
     * requests get a code at once from their sign-on session: the code exchange scenario's supply of codes.
     */
    List<CookieManager> providerSessions(int count) throws Exception {
        List<CookieManager> jars = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CookieManager jar = CodeFlowClient.newJar();
            codeFlow.signIn(jar);
            jars.add(jar);
        }
        return jars;
    }

    /** Asks for {@code count} codes (not measured), into {@code codes}; round robin over the signed-in browsers. */
    Scenario issueCodes(List<CookieManager> jars, Queue<CodeFlowClient.IssuedCode> codes, AtomicLong remaining) {
        AtomicLong next = new AtomicLong();
        return new Scenario("issue_codes", "GET /authorize", () -> {
            if (remaining.getAndDecrement() <= 0) {
                throw new Scenario.Exhausted();
            }
            codes.add(codeFlow.nextCode(jars.get((int) (next.getAndIncrement() % jars.size()))));
        });
    }

    /**
     * RFC 6749 §4.1.3 only: each operation redeems one code issued beforehand (by {@link #issueCodes}) with the client
     * secret and the PKCE verifier; the provider checks both, signs an ID and an access token, stores the grant and
     * the tokens and writes audit rows. Stops when {@code codes} is empty.
     */
    Scenario codeExchange(Queue<CodeFlowClient.IssuedCode> codes) {
        return new Scenario("code_exchange", "POST /token", () -> {
            CodeFlowClient.IssuedCode code = codes.poll();
            if (code == null) {
                throw new Scenario.Exhausted();
            }
            codeFlow.redeem(code);
        });
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

    /**
     * {@code POST /token} from a client that is not registered and sends no secret at all (RFC 6749 §5.2: 401
     * {@code invalid_client}). A refusal for want of capacity (503 or 429) is an answer too; anything else is an
     * error. Each request's outcome (its status, or the exception's name) is counted in {@code outcomes}.
     */
    Scenario unknownClient(Map<String, LongAdder> outcomes) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/token")).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                        + UNKNOWN_CLIENT))
                .build();
        return new Scenario("unknown_client", "POST /token, no credentials", () -> {
            HttpResponse<String> response;
            try {
                response = send(request);
            } catch (Exception e) {
                outcomes.computeIfAbsent(e.getClass().getSimpleName(), outcome -> new LongAdder()).increment();
                throw e;
            }
            int status = response.statusCode();
            outcomes.computeIfAbsent("HTTP " + status, outcome -> new LongAdder()).increment();
            if (status == 401) {
                expectBody(response, 401, "\"invalid_client\"", "unknown client");
            } else if (status != 503 && status != 429) {
                throw new IllegalStateException("unknown client: HTTP " + status + ", expected 401 (or 503, 429)");
            }
        });
    }

    /**
     * The provider's readiness ({@code /health/ready}: the database, the migrations, the signing keys), asked as an
     * orchestrator does, on the health port: an answer later than {@link #PROBE_TIMEOUT} counts as not ready.
     */
    Scenario ready() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(health + "/health/ready")).timeout(PROBE_TIMEOUT)
                .GET().build();
        return new Scenario("health_ready", "GET", () -> expectBody(send(request), 200, "\"UP\"", "health/ready"));
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void expectBody(HttpResponse<String> response, int status, String member, String step) {
        BrowserExchanges.expect(response, status, step);
        if (!response.body().contains(member)) {
            throw new IllegalStateException(step + ": the answer lacks " + member);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
