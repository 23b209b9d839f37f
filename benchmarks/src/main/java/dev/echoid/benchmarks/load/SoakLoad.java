package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's mixed load: workers that each pick their next operation at random by {@link #WEIGHTS}, paced to
 * {@code rate} operations per second in all (a worker waits for its next slot; when the server falls behind they go
 * as fast as it answers). Pacing keeps the rows written per minute steady whatever else runs on the machine, so a
 * table that stops growing shows its purge, not a slower load.
 *
 * <p>State kept between operations, as real users keep it: each worker has a browser signed in at the provider
 * (codes at once from its sign-on session, a new sign-in every {@value #CODES_PER_SESSION} codes) and a refresh chain (renewed every {@value #CHAIN_LENGTH} refreshes from
 * a new code); the last {@value #GATEWAY_SESSIONS} gateway sign-ins stay signed in for {@code /api/echo}, and the
 * oldest is signed out (the gateway's button: refresh token revoked, RP-initiated logout) when a new one comes.
 */
final class SoakLoad {

    /** Operations and their shares of the picks (percent); sign-ins are rare because each costs an Argon2id. */
    static final Map<String, Double> WEIGHTS = weights();
    /** The operations recorded: the picks, and the sign-out that a sign-in causes. */
    static final List<String> OPERATIONS = operations();

    static final int GATEWAY_SESSIONS = 32;
    static final int CHAIN_LENGTH = 20;
    /**
     * Codes one provider sign-on session hands out before its worker signs in anew (leaving it to end idle): a live
     * session keeps its codes (its back-channel logout names their clients), so a browser that never signs out
     * would keep them all; people sign in again, not thousands of times per session.
     */
    static final int CODES_PER_SESSION = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();
    private final String issuer;
    private final String gateway;
    private final String basic;
    private final GatewaySignIn gatewaySignIn;
    private final CodeFlowClient codeFlow;
    private final IntervalLatencies recorder = new IntervalLatencies(OPERATIONS);
    private final Deque<CookieManager> signedIn = new ArrayDeque<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong tickets = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();
    private final double rate;
    private final int threads;
    private long startNanos;

    /** One worker's state between operations. */
    private static final class Worker {
        CookieManager provider;
        int codes;
        String refreshToken;
        int refreshes;
    }

    SoakLoad(String issuer, String gateway, String clientSecret, int threads, double rate) {
        this.issuer = issuer;
        this.gateway = gateway;
        this.threads = threads;
        this.rate = rate;
        // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined and base64-encoded
        this.basic = "Basic " + Base64.getEncoder().encodeToString((form(DevServer.CLIENT_ID) + ":"
                + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
        BrowserExchanges browser = new BrowserExchanges(http, TIMEOUT);
        this.gatewaySignIn = new GatewaySignIn(browser, gateway);
        this.codeFlow = new CodeFlowClient(http, browser, TIMEOUT, issuer, gateway, clientSecret);
    }

    IntervalLatencies recorder() {
        return recorder;
    }

    /** Signs in the first gateway sessions (so {@code /api/echo} has some), then starts the workers. */
    void start() throws IOException, InterruptedException {
        for (int i = 0; i < 4; i++) {
            signedIn.add(gatewaySignIn.signInJar());
        }
        startNanos = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(this::work, "soak-" + (i + 1));
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
    }

    /** Lets the operations under way finish (up to the HTTP timeout), then returns. */
    void stop() throws InterruptedException {
        stopping.set(true);
        for (Thread worker : workers) {
            worker.join(TIMEOUT.toMillis() + 5000);
        }
    }

    private void work() {
        Worker state = new Worker();
        while (!stopping.get()) {
            long slot = startNanos + (long) (tickets.getAndIncrement() * 1e9 / rate);
            long wait = slot - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            String operation = pick();
            long start = System.nanoTime();
            try {
                perform(operation, state);
                recorder.succeeded(operation, System.nanoTime() - start);
            } catch (InterruptedException e) {
                return;
            } catch (Exception | AssertionError e) {
                recorder.failed(operation, e.getClass().getSimpleName() + ": " + e.getMessage());
                if (operation.equals("code_exchange") || operation.equals("refresh")) {
                    state.provider = null; // its sign-on session may have ended: the next one signs in again
                    state.refreshToken = null;
                }
            }
        }
    }

    private static String pick() {
        double at = ThreadLocalRandom.current().nextDouble(100.0);
        double sum = 0;
        for (Map.Entry<String, Double> weight : WEIGHTS.entrySet()) {
            sum += weight.getValue();
            if (at < sum) {
                return weight.getKey();
            }
        }
        return "discovery";
    }

    private void perform(String operation, Worker state) throws Exception {
        switch (operation) {
            case "discovery" -> expect(get(issuer + "/.well-known/openid-configuration"), 200, "\"jwks_uri\"");
            case "jwks" -> expect(get(issuer + "/jwks"), 200, "\"keys\"");
            case "client_credentials" -> expect(token(basic, "grant_type=client_credentials"), 200,
                    "\"access_token\"");
            case "code_exchange" -> codeFlow.redeem(codeFlow.nextCode(provider(state)));
            case "refresh" -> refresh(state);
            case "api_echo" -> apiEcho();
            case "sign_in" -> signIn();
            case "bad_client_secret" -> expect(token("Basic " + Base64.getEncoder().encodeToString(
                    (DevServer.CLIENT_ID + ":" + random()).getBytes(StandardCharsets.US_ASCII)),
                    "grant_type=client_credentials"), 401, "\"invalid_client\"");
            case "bad_code" -> expect(token(basic, "grant_type=authorization_code&code=" + random()
                    + "&redirect_uri=" + form(gateway + "/callback") + "&code_verifier=" + random()), 400,
                    "\"invalid_grant\"");
            case "bad_refresh_token" -> expect(token(basic, "grant_type=refresh_token&refresh_token=" + random()),
                    400, "\"invalid_grant\"");
            case "bad_redirect_uri" -> expectStatus(get(issuer + "/authorize?response_type=code&client_id="
                    + form(DevServer.CLIENT_ID) + "&redirect_uri=" + form("https://attacker.example/cb")
                    + "&scope=openid&state=" + random()), 400);
            case "bad_password" -> {
                // an unknown user name each time: its throttle rows are new rows, and the demo user is never locked
                HttpResponse<String> answer = codeFlow.failedSignIn("soak-" + random().substring(0, 12));
                expectStatus(answer, 200);
            }
            default -> throw new IllegalStateException("no such operation: " + operation);
        }
    }

    private CookieManager provider(Worker state) throws IOException, InterruptedException {
        if (state.provider == null || state.codes >= CODES_PER_SESSION) {
            CookieManager jar = CodeFlowClient.newJar();
            codeFlow.signIn(jar);
            state.provider = jar;
            state.codes = 0;
        }
        state.codes++;
        return state.provider;
    }

    /** The worker's chain: the token the last refresh returned; a new chain from a new code every so often. */
    private void refresh(Worker state) throws IOException, InterruptedException {
        if (state.refreshToken == null || state.refreshes >= CHAIN_LENGTH) {
            state.refreshToken = codeFlow.redeem(codeFlow.nextCode(provider(state))).get("refresh_token").asText();
            state.refreshes = 0;
        }
        state.refreshToken = codeFlow.refresh(state.refreshToken);
        state.refreshes++;
    }

    private void apiEcho() throws Exception {
        CookieManager jar;
        synchronized (signedIn) {
            List<CookieManager> sessions = List.copyOf(signedIn);
            jar = sessions.get(ThreadLocalRandom.current().nextInt(sessions.size()));
        }
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/echo"))
                .timeout(TIMEOUT).header("Accept", "application/json")
                .header("Cookie", GatewaySignIn.SESSION_COOKIE + "=" + GatewaySignIn.sessionCookie(jar))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        expect(answer, 200, "\"preferred_username\"");
    }

    /** A sign-in that stays signed in; the oldest session is signed out, measured as {@code sign_out}. */
    private void signIn() throws Exception {
        CookieManager jar = gatewaySignIn.signInJar();
        CookieManager oldest = null;
        synchronized (signedIn) {
            signedIn.addLast(jar);
            if (signedIn.size() > GATEWAY_SESSIONS) {
                oldest = signedIn.removeFirst();
            }
        }
        if (oldest != null) {
            long start = System.nanoTime();
            try {
                gatewaySignIn.signOut(oldest);
                recorder.succeeded("sign_out", System.nanoTime() - start);
            } catch (IOException | RuntimeException e) {
                recorder.failed("sign_out", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> token(String authorization, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(issuer + "/token")).timeout(TIMEOUT)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status, String member) {
        expectStatus(response, status);
        if (!response.body().contains(member)) {
            throw new IllegalStateException(response.uri().getPath() + ": the answer lacks " + member);
        }
    }

    private static void expectStatus(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.uri().getPath() + ": HTTP " + response.statusCode()
                    + ", expected " + status);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, Double> weights() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("discovery", 14.0);
        weights.put("jwks", 10.0);
        weights.put("api_echo", 30.0);
        weights.put("client_credentials", 12.0);
        weights.put("refresh", 12.0);
        weights.put("code_exchange", 8.0);
        weights.put("sign_in", 0.6);
        weights.put("bad_client_secret", 3.0);
        weights.put("bad_code", 3.0);
        weights.put("bad_refresh_token", 3.0);
        weights.put("bad_redirect_uri", 4.1);
        weights.put("bad_password", 0.3);
        return weights;
    }

    private static List<String> operations() {
        List<String> operations = new ArrayList<>(WEIGHTS.keySet());
        operations.add(operations.indexOf("sign_in") + 1, "sign_out");
        return List.copyOf(operations);
    }
}
