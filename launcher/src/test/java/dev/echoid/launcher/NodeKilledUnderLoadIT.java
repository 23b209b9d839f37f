package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, a node killed under load: two provider nodes and two gateway nodes, each a JVM of its own, on one
 * PostgreSQL, behind two round-robin proxies ({@link RoundRobinProxy}, no stickiness). Under sign-ins through the
 * gateway (the whole code flow with PKCE, real HTTP with cookies), {@code /api/echo} calls whose sessions the gateway
 * renews (an ID token of 62 s, a refresh margin of 60 s: renewed 2 s after it was issued) and refresh-token grants of a client of the test's own, one
 * provider node and one gateway node are killed with SIGKILL at once. Then: the survivors carry on, the failures
 * are the requests in flight at the kill, users whose sessions the dead gateway made stay signed in, every refresh
 * the provider acknowledged is in the database, no refresh token is both redeemed and lost (a client presents the
 * same token again after a lost answer: the provider's retry window), every code whose answer was lost is accounted
 * for there, and the audit chain verifies.
 */
class NodeKilledUnderLoadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "killed-node-client-secret-0123456789";
    private static final String ADMIN_TOKEN = "killed-node-admin-token-0123456789abcdef";
    /** Virtual users signing in through the gateway and calling its API; clients refreshing at the provider. */
    private static final int USERS = 5;
    private static final int REFRESHERS = 2;
    private static final long WARM_UP_MS = 10_000;
    private static final long MAX_WARM_UP_MS = 90_000;
    private static final long AFTER_KILL_MS = 15_000;
    /** Marks the test client's refresh grants, so that the proxy can lose the answer of one. */
    private static final String REFRESHER_HEADER = "X-Test-Refresher";
    /** Requests that start this long after the kill must all succeed: the survivors carry on. */
    private static final long RECOVERY_BOUND_MS = 5_000;

    private static EmbeddedPostgres postgres;
    private static RoundRobinProxy providerProxy;
    private static RoundRobinProxy gatewayProxy;
    private static final List<ClusterNode> nodes = new ArrayList<>();
    private static String issuer;
    private static String gateway;

    /** One HTTP request of the load: when it ran (ms since the load began) and its status, -1 for no answer. */
    record Outcome(String kind, long start, long end, int status, String detail) {
        boolean failed() {
            return status < 0 || status >= 500;
        }
    }

    /** One refresh-token grant of the test's client: the token presented, the one returned (null: no answer). */
    record Refresh(String presented, String returned, int status, long start, long end) {
    }

    /** One redemption of a code: by the gateway's callback or the test's client; status -1 or 5xx: no answer. */
    record Redemption(String code, int status, long start) {
    }

    private final List<Redemption> redemptions = Collections.synchronizedList(new ArrayList<>());
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final List<Refresh> refreshes = Collections.synchronizedList(new ArrayList<>());
    /** The browsers whose sign-in the gateway node to be killed completed, before the kill. */
    private final List<Browser> signedInAtDoomedGateway = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean killed = new AtomicBoolean();
    private long t0;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        int providerPort = RunningSystem.freePort();
        int gatewayPort = RunningSystem.freePort();
        issuer = "http://localhost:" + providerPort + "/identity";
        gateway = "http://localhost:" + gatewayPort;
        // secrets every provider node shares (random here, never committed): the sealing key of the signing keys,
        // the audit chain's key, the HMAC key of client secrets
        String keyEncryptionKey = RunningSystem.randomKey();
        String auditKey = RunningSystem.randomKey();
        String clientSecretKey = RunningSystem.randomKey();

        Map<String, String> provider = new HashMap<>();
        provider.put("IDENTITY_DB_URL", url);
        provider.put("IDENTITY_DB_USER", "postgres");
        provider.put("IDENTITY_DB_PASSWORD", "postgres");
        provider.put("IDENTITY_ISSUER", issuer);
        provider.put("IDENTITY_DEV_MODE", "true");
        provider.put("IDENTITY_KEY_ENCRYPTION_KEY", keyEncryptionKey);
        provider.put("IDENTITY_AUDIT_KEY", auditKey);
        provider.put("IDENTITY_CLIENT_SECRET_KEY", clientSecretKey);
        provider.put("IDENTITY_ADMIN_TOKEN", ADMIN_TOKEN);
        provider.put("IDENTITY_BOOTSTRAP_USER", DevServer.DEMO_USER);
        provider.put("IDENTITY_BOOTSTRAP_PASSWORD", DevServer.DEMO_PASSWORD);
        provider.put("IDENTITY_BOOTSTRAP_CLIENT_ID", DevServer.CLIENT_ID);
        provider.put("IDENTITY_BOOTSTRAP_CLIENT_SECRET", SECRET);
        provider.put("IDENTITY_BOOTSTRAP_REDIRECT_URIS", gateway + "/callback");
        provider.put("IDENTITY_BOOTSTRAP_POST_LOGOUT_REDIRECT_URIS", gateway + "/signed-out");
        provider.put("IDENTITY_BOOTSTRAP_BACKCHANNEL_LOGOUT_URI", gateway + "/backchannel-logout");
        provider.put("IDENTITY_BOOTSTRAP_FIRST_PARTY", "true");
        // the gateway renews every session 2 s after its sign-in, and every 2 s after that
        provider.put("IDENTITY_ID_TOKEN_TTL_SECONDS", "62");

        Map<String, String> echo = new HashMap<>();
        echo.put("ECHO_ISSUER", issuer);
        echo.put("ECHO_CLIENT_ID", DevServer.CLIENT_ID);
        echo.put("ECHO_CLIENT_SECRET", SECRET);
        echo.put("ECHO_REDIRECT_URI", gateway + "/callback");
        echo.put("ECHO_DEV_MODE", "true");
        echo.put("ECHO_REFRESH_MARGIN_SECONDS", "60");
        echo.put("ECHO_SESSION_STORE", "jdbc");
        echo.put("ECHO_SESSION_DB_URL", url);
        echo.put("ECHO_SESSION_DB_USER", "postgres");
        echo.put("ECHO_SESSION_DB_PASSWORD", "postgres");

        int[] ports = {RunningSystem.freePort(), RunningSystem.freePort(), RunningSystem.freePort(),
            RunningSystem.freePort()};
        providerProxy = new RoundRobinProxy(providerPort, List.of(URI.create("http://localhost:" + ports[0]),
                URI.create("http://localhost:" + ports[1])));
        gatewayProxy = new RoundRobinProxy(gatewayPort, List.of(URI.create("http://localhost:" + ports[2]),
                URI.create("http://localhost:" + ports[3])));
        Path logs = Paths.get(System.getProperty("echoid.node.logs", "target/node-logs")).toAbsolutePath();
        // the first provider migrates the schema and bootstraps the demo data alone; then the others start together
        nodes.add(ClusterNode.spawn("provider-1", ClusterNode.Kind.IDENTITY, ports[0], provider, logs));
        ExecutorService starting = Executors.newFixedThreadPool(3);
        try {
            List<Future<ClusterNode>> rest = List.of(
                    starting.submit(() -> ClusterNode.spawn("provider-2", ClusterNode.Kind.IDENTITY, ports[1],
                            provider, logs)),
                    starting.submit(() -> ClusterNode.spawn("gateway-1", ClusterNode.Kind.ECHO, ports[2], echo, logs)),
                    starting.submit(() -> ClusterNode.spawn("gateway-2", ClusterNode.Kind.ECHO, ports[3], echo, logs)));
            for (Future<ClusterNode> node : rest) {
                nodes.add(node.get(300, TimeUnit.SECONDS));
            }
        } finally {
            starting.shutdownNow();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ClusterNode node : nodes) {
            node.close();
        }
        if (providerProxy != null) {
            providerProxy.close();
        }
        if (gatewayProxy != null) {
            gatewayProxy.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void providerAndGatewayNodeKilledMidLoadThenSurvivorsCarryOnAndNothingAcknowledgedIsLost() throws Exception {
        ClusterNode doomedProvider = nodes.get(0);
        ClusterNode doomedGateway = nodes.get(2);
        t0 = System.nanoTime();
        ExecutorService load = Executors.newFixedThreadPool(USERS + REFRESHERS);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            workers.add(load.submit(this::gatewayUser));
        }
        for (int i = 0; i < REFRESHERS; i++) {
            workers.add(load.submit(this::refresher));
        }
        // the kill comes once the load runs warm: some users signed in through the gateway node to be killed
        long warmUntil = now() + MAX_WARM_UP_MS;
        Thread.sleep(WARM_UP_MS);
        while (now() < warmUntil && (signedInAtDoomedGateway.size() < 2 || outcomes.size() < 100)) {
            Thread.sleep(250);
        }
        long kill = now();
        Instant killedAt = Instant.now();
        killed.set(true);
        // the doomed provider's last instant: a refresh it committed whose answer never leaves, as a SIGKILL between
        // the commit and the write would do (the kill itself rarely lands there), then the kill
        boolean answerLost = providerProxy.dropNextAnswer(0, REFRESHER_HEADER).await(2, TimeUnit.SECONDS);
        doomedProvider.kill();
        doomedGateway.kill();
        long killDone = now();
        Thread.sleep(AFTER_KILL_MS);
        stop.set(true);
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        load.shutdownNow();
        long end = now();

        List<Outcome> all;
        synchronized (outcomes) {
            all = new ArrayList<>(outcomes);
        }
        List<Outcome> before = all.stream().filter(o -> o.end() < kill).toList();
        List<Outcome> inFlightOrAfter = all.stream().filter(o -> o.end() >= kill).toList();
        List<Outcome> failures = inFlightOrAfter.stream().filter(Outcome::failed).toList();
        long lastFailure = failures.stream().mapToLong(Outcome::end).max().orElse(kill);
        List<Outcome> window = all.stream().filter(o -> o.end() >= kill && o.start() <= lastFailure).toList();
        Map<String, Integer> byStatus = new TreeMap<>();
        window.forEach(o -> byStatus.merge(o.status() < 0 ? "no answer" : Integer.toString(o.status()), 1,
                Integer::sum));
        Map<String, Integer> afterByStatus = new TreeMap<>();
        inFlightOrAfter.forEach(o -> afterByStatus.merge(o.status() < 0 ? "no answer" : Integer.toString(o.status()),
                1, Integer::sum));

        // every refresh the provider acknowledged is in the database; one whose answer was lost either left the old
        // token unused, or its rotation committed and the client's retry with the same token got the new pair (the
        // provider's retry window): none is left rotated with its answer lost
        int acknowledged = 0;
        int lostButUnused = 0;
        int redeemedAnswerLost = 0;
        int retriedAfterRotation = 0;
        List<Refresh> tried;
        synchronized (refreshes) {
            tried = new ArrayList<>(refreshes);
        }
        // a token presented again after a lost answer is accounted for once, by the first attempt that lost it
        Map<String, Refresh> firstLoss = new HashMap<>();
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            for (Refresh refresh : tried) {
                if (refresh.returned() != null) {
                    acknowledged++;
                    assertThat(rotatedAt(c, refresh.presented())).as("acknowledged rotation recorded").isNotNull();
                    assertThat(tokenExists(c, refresh.returned())).as("acknowledged token durable").isTrue();
                } else if (refresh.status() < 0 || refresh.status() >= 500) {
                    firstLoss.putIfAbsent(refresh.presented(), refresh);
                }
            }
            for (Refresh lost : firstLoss.values()) {
                // the old token still worked: presented again, it was answered with a new one
                boolean workedAgain = tried.stream().anyMatch(r -> r.presented().equals(lost.presented())
                        && r.returned() != null && r.start() > lost.start());
                if (workedAgain || rotatedAt(c, lost.presented()) == null) {
                    lostButUnused++;
                    // two successors: the lost answer's rotation had committed, and the retry replaced it
                    retriedAfterRotation += successors(c, lost.presented()) > 1 ? 1 : 0;
                } else {
                    redeemedAnswerLost++;
                }
            }
        }

        // a code whose redemption was answered is redeemed; one whose answer was lost is either unredeemed (it
        // redeems nowhere else: the sign-in starts over) or was redeemed while in flight at the kill. Codes have no
        // retry: RFC 6749 §4.1.2 says a code used twice MUST be denied, so that sign-in starts over (silently, through
        // the provider's single sign-on session) and these stay bounded by the requests in flight
        int codesAnswered = 0;
        int codesLostUnredeemed = 0;
        int codesRedeemedAnswerLost = 0;
        List<Redemption> codes;
        synchronized (redemptions) {
            codes = new ArrayList<>(redemptions);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            for (Redemption code : codes) {
                boolean redeemed = redeemed(c, code.code());
                if (code.status() == 302 || code.status() == 200) {
                    codesAnswered++;
                    assertThat(redeemed).as("an acknowledged redemption is recorded").isTrue();
                } else if (code.status() < 0 || code.status() >= 500) {
                    if (redeemed) {
                        codesRedeemedAnswerLost++;
                        assertThat(code.start()).as("a redemption whose answer was lost was in flight at the kill")
                                .isLessThanOrEqualTo(killDone);
                    } else {
                        codesLostUnredeemed++;
                    }
                }
            }
        }

        // the users the dead gateway node signed in are still signed in: their next call, to the survivor, answers
        int stillSignedIn = 0;
        List<Browser> doomedUsers;
        synchronized (signedInAtDoomedGateway) {
            doomedUsers = new ArrayList<>(signedInAtDoomedGateway);
        }
        for (Browser user : doomedUsers) {
            if (user.get(URI.create(gateway + "/api/echo"), "Accept", "application/json").statusCode() == 200) {
                stillSignedIn++;
            }
        }
        int reused = auditCount("REFRESH_TOKEN_REUSED", killedAt.minusSeconds(2));
        int retries = auditCount("TOKEN_REFRESH_RETRIED", Instant.EPOCH);
        // every refresh answered 200 is one of these two rows: a rotation, or the retry of a lost answer
        int renewalsByGateway = auditCount("TOKEN_REFRESHED", Instant.EPOCH) + retries - acknowledged;

        JsonNode audit = JSON.readTree(new Browser().get(URI.create(issuer + "/admin/audit/verify"),
                "Authorization", "Bearer " + ADMIN_TOKEN).body());

        System.out.printf("""
                NodeKilledUnderLoadIT: provider-1 (pid %d) and gateway-1 (pid %d) killed with SIGKILL at %.1f s (its last refresh answer lost first: %s; kill done %d ms later); load %.1f s in all
                  requests: %d before the kill (%d failed), %d in flight or after it
                  requests during the fault (in flight at the kill until the last failure): %d, answers by status %s
                  answers by status from the kill to the end: %s
                  failures after the kill: %d (bound: %d, the requests each worker can have in flight at either proxy)
                  time to recover (kill to the end of the last failed request): %d ms
                  proxies: provider retried %d refused / failed %d, gateway retried %d refused / failed %d
                  refresh grants of the test client: %d acknowledged (rotation and new token in the database), %d answers lost with the old token still working (%d of them rotated, then retried with the same token), %d rotated with the answer lost; retries the provider accepted (TOKEN_REFRESH_RETRIED, the gateway's included): %d
                  renewals of gateway sessions (refresh grants of the gateway, under the session row's lock): %d
                  codes: %d redemptions answered (all recorded), %d answers lost with the code unredeemed, %d redeemed with the answer lost in flight
                  gateway users signed in by the dead node: %d, still signed in via the survivor: %d; refresh-token reuse refusals after the kill: %d
                  audit chain: %s
                  the failed requests: %s
                """, doomedProvider.pid(), doomedGateway.pid(), kill / 1000.0, answerLost, killDone - kill, end / 1000.0,
                before.size(), before.stream().filter(Outcome::failed).count(), inFlightOrAfter.size(), window.size(),
                byStatus, afterByStatus, failures.size(), 2 * (USERS + REFRESHERS), lastFailure - kill,
                providerProxy.retried(), providerProxy.failed(), gatewayProxy.retried(), gatewayProxy.failed(),
                acknowledged, lostButUnused, retriedAfterRotation, redeemedAnswerLost, retries, renewalsByGateway, codesAnswered, codesLostUnredeemed,
                codesRedeemedAnswerLost, doomedUsers.size(), stillSignedIn, reused, audit,
                failures);

        assertThat(before).as("load before the kill").hasSizeGreaterThan(50);
        assertThat(before.stream().filter(Outcome::failed).count()).as("failures before the kill").isZero();
        // the failures are the requests in flight at the kill: at most one per worker at each proxy
        assertThat(failures.size()).isLessThanOrEqualTo(2 * (USERS + REFRESHERS));
        List<Outcome> afterRecovery = all.stream().filter(o -> o.start() > kill + RECOVERY_BOUND_MS).toList();
        assertThat(afterRecovery).as("load after the kill").hasSizeGreaterThan(50);
        assertThat(afterRecovery.stream().filter(Outcome::failed).toList()).as("failures once recovered").isEmpty();
        assertThat(acknowledged).isPositive();
        assertThat(renewalsByGateway).as("the gateway renewed sessions during the load").isPositive();
        assertThat(redeemedAnswerLost).as("refresh tokens both redeemed and lost").isZero();
        assertThat(answerLost).as("the doomed provider's last refresh answer was lost").isTrue();
        assertThat(retriedAfterRotation).as("lost answers whose rotation had committed, retried").isPositive();
        assertThat(codesAnswered).isPositive();
        assertThat(codesRedeemedAnswerLost).isLessThanOrEqualTo(USERS + REFRESHERS);
        assertThat(doomedUsers).as("users the killed gateway node signed in").isNotEmpty();
        // a user can only be signed out by a renewal refused as reuse
        assertThat(doomedUsers.size() - stillSignedIn).isLessThanOrEqualTo(reused);
        assertThat(audit.get("status").asText()).isEqualTo("ok");
    }

    // --- the load ---

    /** Signs in through the gateway, calls the API (renewals included), and every 15 calls signs in anew. */
    private void gatewayUser() {
        while (!stop.get()) {
            Browser browser = new Browser();
            if (!signInThroughGateway(browser)) {
                pause(200);
                continue;
            }
            for (int call = 0; call < 15 && !stop.get(); call++) {
                HttpResponse<String> echo = record("api/echo", () -> browser.get(URI.create(gateway + "/api/echo"),
                        "Accept", "application/json"));
                if (echo != null && echo.statusCode() == 401) {
                    break; // signed out (a renewal refused): sign in again
                }
                pause(100);
            }
        }
    }

    private boolean signInThroughGateway(Browser browser) {
        HttpResponse<String> home = record("gateway /", () -> browser.get(URI.create(gateway + "/")));
        if (home == null || home.statusCode() != 302) {
            return false;
        }
        HttpResponse<String> login = record("gateway /login", () -> browser.get(Browser.location(home)));
        if (login == null || login.statusCode() != 302) {
            return false;
        }
        HttpResponse<String> authorize = record("authorize", () -> browser.get(Browser.location(login)));
        if (authorize == null || authorize.statusCode() != 302) {
            return false;
        }
        HttpResponse<String> page = record("login page", () -> browser.get(Browser.location(authorize)));
        if (page == null || page.statusCode() != 200) {
            return false;
        }
        HttpResponse<String> posted = record("login post", () -> browser.submit(page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit"));
        if (posted == null || posted.statusCode() != 302) {
            return false;
        }
        boolean beforeKill = !killed.get();
        long callbackStart = now();
        HttpResponse<String> callback = record("callback", () -> browser.get(Browser.location(posted)));
        redemptions.add(new Redemption(Browser.query(Browser.location(posted)).get("code"),
                callback == null ? -1 : callback.statusCode(), callbackStart));
        if (callback == null || callback.statusCode() != 302) {
            return false;
        }
        if (beforeKill && !killed.get() && "0".equals(callback.headers().firstValue(RoundRobinProxy.BACKEND_HEADER)
                .orElse(""))) {
            signedInAtDoomedGateway.add(browser);
        }
        HttpResponse<String> landed = record("gateway /", () -> browser.get(Browser.location(callback)));
        return landed != null && landed.statusCode() == 200;
    }

    /** A client of the test's own: the code flow at the provider, then refresh-token grants in a row. */
    private void refresher() {
        String refreshToken = null;
        while (!stop.get()) {
            if (refreshToken == null) {
                refreshToken = codeFlowAtProvider();
                if (refreshToken == null) {
                    pause(200);
                    continue;
                }
            }
            String presented = refreshToken;
            long start = now();
            HttpResponse<String> answer = record("refresh", () -> token(Map.of("grant_type", "refresh_token",
                    "refresh_token", presented), REFRESHER_HEADER, "yes"));
            long end = now();
            int status = answer == null ? -1 : answer.statusCode();
            String returned = status == 200 ? field(answer, "refresh_token") : null;
            refreshes.add(new Refresh(presented, returned, status, start, end));
            if (returned != null) {
                refreshToken = returned;
            } else if (status == 400) {
                refreshToken = null; // refused: a new grant (the assertions then find the lost answer behind it)
            }
            // no answer, 502 or 503: present the same token again at once; if its rotation committed before the
            // answer was lost, the provider takes this for a retry (within its window) and answers a new pair
            pause(100);
        }
    }

    private String codeFlowAtProvider() {
        Browser browser = new Browser();
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.util.UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
        URI authorize = URI.create(issuer + "/authorize?" + Browser.formEncode(Map.of("response_type", "code",
                "client_id", DevServer.CLIENT_ID, "redirect_uri", gateway + "/callback", "scope",
                "openid offline_access", "state", "s", "code_challenge", challenge, "code_challenge_method", "S256")));
        HttpResponse<String> toLogin = record("authorize", () -> browser.get(authorize));
        if (toLogin == null || toLogin.statusCode() != 302) {
            return null;
        }
        HttpResponse<String> page = record("login page", () -> browser.get(Browser.location(toLogin)));
        if (page == null || page.statusCode() != 200) {
            return null;
        }
        HttpResponse<String> posted = record("login post", () -> browser.submit(page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit"));
        if (posted == null || posted.statusCode() != 302) {
            return null;
        }
        String code = Browser.query(Browser.location(posted)).get("code");
        long exchangeStart = now();
        HttpResponse<String> tokens = record("code exchange", () -> token(Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", gateway + "/callback", "code_verifier", verifier)));
        redemptions.add(new Redemption(code, tokens == null ? -1 : tokens.statusCode(), exchangeStart));
        return tokens != null && tokens.statusCode() == 200 ? field(tokens, "refresh_token") : null;
    }

    /** One client for the token endpoint: a connection kept, not one left idle per call. */
    private final Browser tokenClient = new Browser();

    private HttpResponse<String> token(Map<String, String> form, String... headers) {
        String basic = Base64.getEncoder().encodeToString((DevServer.CLIENT_ID + ":" + SECRET)
                .getBytes(StandardCharsets.UTF_8));
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Authorization";
        all[headers.length + 1] = "Basic " + basic;
        return tokenClient.postForm(URI.create(issuer + "/token"), form, all);
    }

    /** Runs one request and records it; null when no answer came (the connection failed). */
    private HttpResponse<String> record(String kind, Supplier<HttpResponse<String>> request) {
        long start = now();
        try {
            HttpResponse<String> answer = request.get();
            outcomes.add(new Outcome(kind, start, now(), answer.statusCode(), null));
            return answer;
        } catch (UncheckedIOException | AssertionError noAnswer) {
            String detail = String.valueOf(noAnswer.getMessage());
            outcomes.add(new Outcome(kind, start, now(), -1, detail.substring(0, Math.min(400, detail.length()))));
            return null;
        }
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String field(HttpResponse<String> response, String name) {
        try {
            JsonNode value = JSON.readTree(response.body()).get(name);
            return value == null ? null : value.asText();
        } catch (Exception e) {
            return null;
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider stores a refresh token as base64url(SHA-256(token)). */
    private static String tokenHash(String token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(token));
    }

    private static Timestamp rotatedAt(Connection c, String token) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT rotated_at FROM refresh_token WHERE token_hash = ?")) {
            s.setString(1, tokenHash(token));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a refresh token the provider issued is in the database").isTrue();
                return r.getTimestamp(1);
            }
        }
    }

    /** How many tokens {@code token} was rotated into: more than one only when a retry replaced a lost one. */
    private static int successors(Connection c, String token) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM refresh_token WHERE rotated_from = ?")) {
            s.setString(1, tokenHash(token));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static boolean redeemed(Connection c, String code) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT redeemed_at IS NOT NULL FROM authorization_code WHERE code_hash = ?")) {
            s.setString(1, tokenHash(code));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a code the provider issued is in the database").isTrue();
                return r.getBoolean(1);
            }
        }
    }

    private static boolean tokenExists(Connection c, String token) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM refresh_token WHERE token_hash = ?")) {
            s.setString(1, tokenHash(token));
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static int auditCount(String type, Instant since) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM audit_event WHERE event_type = ? AND occurred_at >= ?")) {
            s.setString(1, type);
            s.setTimestamp(2, Timestamp.from(since));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
