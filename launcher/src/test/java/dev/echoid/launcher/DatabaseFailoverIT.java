package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The provider on a PostgreSQL primary and its synchronous hot standby ({@link PostgresPair}, Debian's packages),
 * through the multi-host URL {@code jdbc:postgresql://p1,p2/identity?targetServerType=primary}. Under sign-in and
 * refresh load over real HTTP the primary is killed ({@code pg_ctl stop -m immediate}) and, a moment later, the
 * standby promoted. The provider follows without a restart: while no primary exists every answer is a 503 with
 * {@code Retry-After} (or a clean OAuth error, or a success), never a 500; it succeeds again soon after the
 * promotion; and every code, refresh token, access token and audit row it acknowledged is on the new primary,
 * whose audit chain verifies. The figures (requests during the fault, answers by status, time to recover, rows
 * checked) are printed. Skipped without Debian's PostgreSQL on a developer's machine; on CI it must run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "failover-admin-token-0123456789abcdef0123";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 Appendix B
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static final int THREADS = 4;
    private static final Duration BEFORE_FAULT = Duration.ofSeconds(8);
    private static final Duration WITHOUT_PRIMARY = Duration.ofSeconds(3);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(8);

    private static PostgresPair pair;
    private static DevServer system;
    private static String issuer;
    private static String callback;
    /** The client application's HTTP client: its connections kept alive between requests, as a real one's are. */
    private static Browser client;

    @BeforeAll
    static void start() throws Exception {
        pair = PostgresPair.start();
        Map<String, String> settings = new HashMap<>();
        // a request waits at most this long for a connection while no primary exists (30 s by default)
        settings.put("IDENTITY_DB_CONNECTION_TIMEOUT_SECONDS", "1");
        settings.put("IDENTITY_ADMIN_TOKEN", ADMIN_TOKEN);
        settings.put("IDENTITY_AUDIT_KEY", RunningSystem.randomKey());
        settings.put("IDENTITY_KEY_ENCRYPTION_KEY", RunningSystem.randomKey());
        DevServer.Options fresh = RunningSystem.freshOptions(RunningSystem.temporaryDirectory(), settings);
        system = DevServer.start(new DevServer.Options(fresh.host(), fresh.identityPort(), fresh.echoPort(),
                fresh.dataDirectory(), fresh.webapps(), Optional.of(pair.multiHostUrl()),
                Optional.of(PostgresPair.USER), Optional.of(PostgresPair.PASSWORD), fresh.settings()));
        issuer = system.options().issuer();
        callback = system.options().gateway() + "/callback";
        client = new Browser();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    /**
     * A primary fenced read-only (as a failover manager fences the old primary: {@code default_transaction_read_only}
     * set and reloaded) refuses writes on the pool's open connections with SQLSTATE 25006: the answer is 503 with
     * {@code Retry-After}, never a 500, and each such connection is evicted, not reused: an evicted one reconnects
     * through the multi-host URL to whichever server accepts writes. Once the database accepts writes again the
     * provider works, with the same refresh token (a refused rotation changed nothing).
     */
    @Test
    @Order(1)
    void tokenWhenPrimaryFencedReadOnlyThen503AndItsConnectionsEvictedAndWorksWhenWritableAgain() throws Exception {
        String refreshToken = tokens(signIn(new Browser()).get("code")).get("refresh_token").asText();
        List<Integer> before = providerBackends();
        assertThat(before).as("the pool's connections to the primary").isNotEmpty();

        try (Connection admin = pair.superuser(pair.primaryPort); Statement sql = admin.createStatement()) {
            sql.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            sql.execute("SELECT pg_reload_conf()");
        }
        boolean writable = false;
        try {
            Instant deadline = Instant.now().plusSeconds(40);
            int refused = 0;
            List<Integer> kept;
            do {
                HttpResponse<String> answer = refresh(refreshToken);
                assertThat(answer.statusCode()).as("refused write %d: %s", refused, answer.body()).isEqualTo(503);
                assertTemporarilyUnavailableJson(answer);
                refused++;
                kept = new ArrayList<>(before);
                kept.retainAll(providerBackends());
            } while (!kept.isEmpty() && Instant.now().isBefore(deadline));
            assertThat(kept).as("read-only connections still in the pool after %d refused writes", refused)
                    .isEmpty();

            acceptWrites();
            writable = true;
            deadline = Instant.now().plusSeconds(20);
            HttpResponse<String> answer;
            do {
                answer = refresh(refreshToken);
                assertThat(answer.statusCode()).as(answer.body()).isIn(200, 503);
            } while (answer.statusCode() != 200 && Instant.now().isBefore(deadline));
            assertThat(answer.statusCode()).as("writes again within 20 s: %s", answer.body()).isEqualTo(200);
        } finally {
            if (!writable) {
                acceptWrites();
            }
        }
    }

    private static void acceptWrites() throws Exception {
        try (Connection admin = pair.superuser(pair.primaryPort); Statement sql = admin.createStatement()) {
            sql.execute("SET default_transaction_read_only = off");
            sql.execute("ALTER SYSTEM RESET default_transaction_read_only");
            sql.execute("SELECT pg_reload_conf()");
        }
    }

    /** The process ids of the provider's connections to the primary. */
    private static List<Integer> providerBackends() throws Exception {
        List<Integer> pids = new ArrayList<>();
        try (Connection admin = pair.superuser(pair.primaryPort); Statement sql = admin.createStatement();
                ResultSet r = sql.executeQuery("SELECT pid FROM pg_stat_activity WHERE usename = '"
                        + PostgresPair.USER + "' AND backend_type = 'client backend'")) {
            while (r.next()) {
                pids.add(r.getInt(1));
            }
        }
        return pids;
    }

    @Test
    @Order(2)
    void primaryWhenKilledUnderLoadAndStandbyPromotedThenNo500NothingAcknowledgedLostAndChainVerifies()
            throws Exception {
        Load load = new Load();
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            running.add(workers.submit(load::work));
        }
        Instant killing;
        Instant faulted;
        Instant promoted;
        Instant recovered;
        try {
            Thread.sleep(BEFORE_FAULT.toMillis());
            assertThat(load.successes()).as("load before the fault").isPositive();

            killing = Instant.now();
            pair.stopPrimaryImmediately();
            faulted = Instant.now();
            Thread.sleep(WITHOUT_PRIMARY.toMillis());
            pair.promoteStandby();
            promoted = Instant.now();

            Instant deadline = promoted.plus(RECOVERY_BOUND);
            while (load.firstSuccessAfter(promoted).isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            recovered = load.firstSuccessAfter(promoted).orElse(null);
            Thread.sleep(AFTER_RECOVERY.toMillis());
        } finally {
            load.stop.set(true);
            workers.shutdown();
            workers.awaitTermination(60, TimeUnit.SECONDS);
        }
        for (Future<?> worker : running) {
            worker.get(); // a worker's own failure (not an answer) surfaces here
        }

        List<Answer> answers = new ArrayList<>(load.answers);
        List<Answer> duringFault = answers.stream()
                .filter(a -> !a.sent().isBefore(faulted) && (recovered == null || a.sent().isBefore(recovered)))
                .toList();
        Map<Integer, Long> byStatus = new TreeMap<>(answers.stream()
                .collect(Collectors.groupingBy(Answer::status, Collectors.counting())));
        Map<Integer, Long> faultByStatus = new TreeMap<>(duringFault.stream()
                .collect(Collectors.groupingBy(Answer::status, Collectors.counting())));
        Map<String, Long> faultByKind = new TreeMap<>(duringFault.stream()
                .collect(Collectors.groupingBy(Answer::kind, Collectors.counting())));
        System.out.printf("DatabaseFailoverIT: %d requests in all, by status %s; %d during the fault (sent from"
                        + " the primary's death until the first success after the promotion), by status %s, by kind"
                        + " %s; pg_ctl stop -m immediate took %d ms; no primary for %d ms; first success %s ms after"
                        + " the promotion, %s ms after the primary died%n",
                answers.size(), byStatus, duringFault.size(), faultByStatus, faultByKind,
                Duration.between(killing, faulted).toMillis(), Duration.between(faulted, promoted).toMillis(),
                recovered == null ? "never" : Duration.between(promoted, recovered).toMillis(),
                recovered == null ? "never" : Duration.between(faulted, recovered).toMillis());

        assertThat(load.violations).as("answers that are neither success, a clean OAuth error, nor 503 with"
                + " Retry-After").isEmpty();
        assertThat(faultByStatus).as("the fault was seen: 503s while no primary existed").containsKey(503);
        assertThat(recovered).as("a success within %s of the promotion", RECOVERY_BOUND).isNotNull();
        assertThat(load.workersSucceedingAfter(recovered)).as("every worker succeeds again after the promotion")
                .isEqualTo(THREADS);

        int rows = checkEverythingAcknowledgedIsOnTheNewPrimary(load);
        JsonNode verification = awaitChainVerified();
        System.out.printf("DatabaseFailoverIT: acknowledged %d codes, %d code exchanges, %d refreshes (%d of"
                        + " these %d successes before the primary died, %d after the promotion); %d rows checked on"
                        + " the new primary, none missing; audit chain %s, %s rows%n",
                load.codes.size(), load.exchanges(), load.refreshes(), load.successesBefore(killing),
                load.successes(), load.successesAfter(promoted), rows, verification.get("status").asText(),
                verification.get("rows_checked").asText());
    }

    /** Every acknowledged code, token and audit row, looked up directly on the promoted standby. */
    private static int checkEverythingAcknowledgedIsOnTheNewPrimary(Load load) throws Exception {
        int rows = 0;
        try (Connection db = pair.connect(pair.standbyPort)) {
            try (Statement sql = db.createStatement(); ResultSet r = sql.executeQuery("SELECT pg_is_in_recovery()")) {
                r.next();
                assertThat(r.getBoolean(1)).as("the standby was promoted").isFalse();
            }
            for (Acknowledged code : load.codes) {
                String loginId;
                String grantId;
                try (PreparedStatement s = db.prepareStatement(
                        "SELECT login_id, grant_id FROM authorization_code WHERE code_hash = ?")) {
                    s.setString(1, sha256(code.code()));
                    try (ResultSet r = s.executeQuery()) {
                        assertThat(r.next()).as("code acknowledged at %s", code.at()).isTrue();
                        loginId = r.getString(1);
                        grantId = r.getString(2);
                    }
                }
                rows++;
                rows += requireAudit(db, "LOGIN_SUCCEEDED", "login_id = ?", loginId, 1, code);
                rows += requireAudit(db, "CODE_ISSUED", "login_id = ?", loginId, 1, code);
                if (code.exchangedAt() == null) {
                    continue;
                }
                assertThat(grantId).as("the code's exchange was acknowledged at %s", code.exchangedAt()).isNotNull();
                rows += requireRow(db, "SELECT 1 FROM authorization_grant WHERE id = ?::uuid", grantId, code);
                rows += requireAudit(db, "CODE_REDEEMED", "detail = ?", "grant " + grantId, 1, code);
                for (String jti : code.accessTokenIds()) {
                    rows += requireRow(db, "SELECT 1 FROM access_token WHERE jti = ?", jti, code);
                }
                for (String refreshToken : code.refreshTokens()) {
                    try (PreparedStatement s = db.prepareStatement(
                            "SELECT grant_id::text FROM refresh_token WHERE token_hash = ?")) {
                        s.setString(1, sha256(refreshToken));
                        try (ResultSet r = s.executeQuery()) {
                            assertThat(r.next()).as("a refresh token of the code of %s", code.at()).isTrue();
                            assertThat(r.getString(1)).isEqualTo(grantId);
                        }
                    }
                    rows++;
                }
                // a refresh whose commit was made but whose answer was lost may add one: at least, not exactly
                rows += requireAudit(db, "TOKEN_REFRESHED", "detail = ?", "grant " + grantId, code.refreshes(), code);
            }
        }
        return rows;
    }

    private static int requireRow(Connection db, String query, String key, Acknowledged code) throws Exception {
        try (PreparedStatement s = db.prepareStatement(query)) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("%s for %s, acknowledged at %s", query, key, code.at()).isTrue();
            }
        }
        return 1;
    }

    private static int requireAudit(Connection db, String type, String where, String value, int atLeast,
            Acknowledged code) throws Exception {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT count(*) FROM audit_event WHERE event_type = ? AND " + where)) {
            s.setString(1, type);
            s.setString(2, value);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                int found = r.getInt(1);
                assertThat(found).as("%s audit rows for %s (the code of %s)", type, value, code.at())
                        .isGreaterThanOrEqualTo(atLeast);
                return found;
            }
        }
    }

    /** The provider's own verifier, now on the new primary; rows still to be chained are linked within 60 s. */
    private static JsonNode awaitChainVerified() throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        JsonNode verification;
        do {
            HttpResponse<String> answer = client.get(URI.create(issuer + "/admin/audit/verify"),
                    "Authorization", "Bearer " + ADMIN_TOKEN);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            verification = JSON.readTree(answer.body());
            assertThat(verification.get("status").asText()).as(answer.body()).isEqualTo("ok");
            if (verification.get("pending").asInt() == 0) {
                return verification;
            }
            Thread.sleep(500);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("audit rows still unchained after 60 s: " + verification);
    }

    // --- the load ---

    /** One answer the load saw. */
    private record Answer(Instant sent, String step, int status, String kind) {
    }

    /** One acknowledged operation, and the worker that saw it. */
    private record Success(Instant at, String worker) {
    }

    /** A code the provider issued, and what its exchange and refreshes were acknowledged with. */
    private record Acknowledged(String code, Instant at, Instant[] exchanged, List<String> accessTokenIds,
            List<String> refreshTokens, int[] refreshCount) {

        Acknowledged(String code, Instant at) {
            this(code, at, new Instant[1], new ArrayList<>(), new ArrayList<>(), new int[1]);
        }

        Instant exchangedAt() {
            return exchanged[0];
        }

        int refreshes() {
            return refreshCount[0];
        }
    }

    private static final class Load {
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Acknowledged> codes = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Success> successes = new ConcurrentLinkedQueue<>();

        void work() {
            // one browser program per worker, each round a new user (no cookies) on the same connections
            Browser browser = new Browser();
            while (!stop.get()) {
                browser.forgetCookies();
                Optional<Acknowledged> code = signIn(browser);
                if (code.isEmpty()) {
                    pause();
                    continue;
                }
                Acknowledged acknowledged = code.get();
                Optional<JsonNode> tokens = exchange(acknowledged);
                if (tokens.isEmpty()) {
                    continue;
                }
                String refreshToken = tokens.get().get("refresh_token").asText();
                for (int i = 0; i < 3 && refreshToken != null && !stop.get(); i++) {
                    refreshToken = refresh(acknowledged, refreshToken);
                }
            }
        }

        /** The browser's round: /authorize, the login page, its POST; the code, or empty when refused. */
        private Optional<Acknowledged> signIn(Browser browser) {
            HttpResponse<String> authorize = call("authorize", () -> browser.get(authorizeUri(), "Accept",
                    "text/html"));
            if (authorize == null || authorize.statusCode() != 302) {
                return Optional.empty();
            }
            URI next = Browser.location(authorize);
            if (!next.getPath().endsWith("/login.xhtml")) {
                // a clean OAuth error back to the client (temporarily_unavailable with state)
                requireCleanRedirect("authorize", next);
                return Optional.empty();
            }
            HttpResponse<String> page = call("login page", () -> browser.get(next));
            if (page == null || page.statusCode() != 200) {
                return Optional.empty();
            }
            HttpResponse<String> back = call("login", () -> browser.submit(page, "login", Map.of(
                    "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD),
                    "login:submit"));
            if (back == null || back.statusCode() != 302) {
                return Optional.empty();
            }
            URI redirect = Browser.location(back);
            Map<String, String> query = Browser.query(redirect);
            if (!query.containsKey("code")) {
                requireCleanRedirect("login", redirect);
                return Optional.empty();
            }
            Acknowledged acknowledged = new Acknowledged(query.get("code"), Instant.now());
            codes.add(acknowledged);
            succeeded(acknowledged.at());
            return Optional.of(acknowledged);
        }

        /** The code at /token, asked again while the answer is 503 (the same code: it was not redeemed). */
        private Optional<JsonNode> exchange(Acknowledged code) {
            while (!stop.get()) {
                HttpResponse<String> answer = call("token (code)", () -> token(Map.of("grant_type",
                        "authorization_code", "code", code.code(), "redirect_uri", callback, "code_verifier",
                        VERIFIER)));
                if (answer == null) {
                    return Optional.empty();
                }
                if (answer.statusCode() == 200) {
                    JsonNode tokens = read(answer);
                    Instant at = Instant.now();
                    synchronized (code) {
                        code.exchanged()[0] = at;
                        code.accessTokenIds().add(jti(tokens.get("access_token").asText()));
                        code.refreshTokens().add(tokens.get("refresh_token").asText());
                    }
                    succeeded(at);
                    return Optional.of(tokens);
                }
                if (answer.statusCode() != 503) {
                    return Optional.empty(); // e.g. invalid_grant: a redemption committed whose answer was lost
                }
                pause();
            }
            return Optional.empty();
        }

        /** One rotation; the new refresh token, or null when the chain ends. */
        private String refresh(Acknowledged code, String refreshToken) {
            while (!stop.get()) {
                HttpResponse<String> answer = call("token (refresh)", () -> DatabaseFailoverIT.refresh(refreshToken));
                if (answer == null) {
                    return null;
                }
                if (answer.statusCode() == 200) {
                    JsonNode tokens = read(answer);
                    Instant at = Instant.now();
                    synchronized (code) {
                        code.refreshCount()[0]++;
                        code.accessTokenIds().add(jti(tokens.get("access_token").asText()));
                        code.refreshTokens().add(tokens.get("refresh_token").asText());
                    }
                    succeeded(at);
                    return tokens.get("refresh_token").asText();
                }
                if (answer.statusCode() != 503) {
                    return null;
                }
                pause();
            }
            return null;
        }

        /** Sends, records, and checks the answer: success, a clean OAuth error, or 503 with Retry-After. */
        private HttpResponse<String> call(String step, java.util.function.Supplier<HttpResponse<String>> send) {
            Instant sent = Instant.now();
            HttpResponse<String> answer;
            try {
                answer = send.get();
            } catch (RuntimeException noAnswer) {
                violations.add(step + " at " + sent + ": no answer (" + noAnswer + "); " + whereRequestsWait());
                return null;
            }
            answers.add(new Answer(sent, step, answer.statusCode(), kind(answer)));
            String problem = problemWith(step, answer);
            if (problem != null) {
                violations.add(step + " at " + sent + ": " + problem + " " + answer.statusCode() + " "
                        + answer.headers().map() + " " + abbreviate(answer.body()));
            }
            return answer;
        }

        private void requireCleanRedirect(String step, URI redirect) {
            Map<String, String> query = Browser.query(redirect);
            if (!redirect.toString().startsWith(callback) || !"temporarily_unavailable".equals(query.get("error"))) {
                violations.add(step + ": an unexpected redirect " + redirect);
            }
        }

        private void succeeded(Instant at) {
            successes.add(new Success(at, Thread.currentThread().getName()));
        }

        long successes() {
            return successes.size();
        }

        long successesAfter(Instant instant) {
            return successes.stream().filter(success -> success.at().isAfter(instant)).count();
        }

        long successesBefore(Instant instant) {
            return successes.stream().filter(success -> success.at().isBefore(instant)).count();
        }

        long workersSucceedingAfter(Instant instant) {
            return successes.stream().filter(success -> success.at().isAfter(instant)).map(Success::worker)
                    .distinct().count();
        }

        Optional<Instant> firstSuccessAfter(Instant instant) {
            return successes.stream().map(Success::at).filter(at -> at.isAfter(instant)).min(Instant::compareTo);
        }

        long exchanges() {
            return codes.stream().filter(c -> c.exchangedAt() != null).count();
        }

        long refreshes() {
            return codes.stream().mapToInt(Acknowledged::refreshes).sum();
        }


        private static void pause() {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Null when the answer is one the issue allows: a success or redirect, a clean OAuth error, or a 503 with
     * {@code Retry-After} that says so in the endpoint's terms (JSON at /token, a page for the browser).
     */
    private static String problemWith(String step, HttpResponse<String> answer) {
        int status = answer.statusCode();
        boolean json = step.startsWith("token");
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (status == 503) {
            if (answer.headers().firstValue("Retry-After").isEmpty()) {
                return "503 without Retry-After";
            }
            if (json) {
                return type.startsWith("application/json") && answer.body().contains("\"temporarily_unavailable\"")
                        ? null : "503 without temporarily_unavailable JSON";
            }
            return type.startsWith("text/html") && answer.body().contains("try again") ? null
                    : "503 without a readable page";
        }
        if (status >= 500) {
            return "a server error";
        }
        if (status >= 400) {
            if (json) {
                return type.startsWith("application/json") && answer.body().contains("\"error\"") ? null
                        : "an OAuth error without its JSON";
            }
            return type.startsWith("text/html") ? null : "an error page that is not a page";
        }
        return null;
    }

    /** For the figures: what the answer meant to the client. */
    private static String kind(HttpResponse<String> answer) {
        int status = answer.statusCode();
        if (status == 503) {
            return "503 Retry-After";
        }
        if (status >= 500) {
            return "server error";
        }
        if (status >= 400 || answer.headers().firstValue("Location").orElse("").contains("error=")) {
            return "OAuth error";
        }
        return "success";
    }

    private static Map<String, String> signIn(Browser browser) {
        HttpResponse<String> authorize = browser.get(authorizeUri(), "Accept", "text/html");
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        HttpResponse<String> page = browser.get(Browser.location(authorize));
        HttpResponse<String> back = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        return Browser.query(Browser.location(back));
    }

    private static JsonNode tokens(String code) {
        HttpResponse<String> answer = token(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", callback, "code_verifier", VERIFIER));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return read(answer);
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private static HttpResponse<String> token(Map<String, String> form) {
        String basic = Base64.getEncoder().encodeToString((DevServer.CLIENT_ID + ":" + system.clientSecret())
                .getBytes(StandardCharsets.UTF_8));
        return client.postForm(URI.create(issuer + "/token"), form, "Authorization", "Basic " + basic,
                "Accept", "application/json");
    }

    private static URI authorizeUri() {
        return URI.create(issuer + "/authorize?" + Browser.formEncode(Map.of("response_type", "code", "scope",
                "openid", "client_id", DevServer.CLIENT_ID, "redirect_uri", callback, "state", "s-failover",
                "nonce", "n-failover", "code_challenge", CHALLENGE, "code_challenge_method", "S256")));
    }

    private static void assertTemporarilyUnavailableJson(HttpResponse<String> answer) throws Exception {
        assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After").isPresent();
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("temporarily_unavailable");
    }

    private static JsonNode read(HttpResponse<String> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }

    private static String jti(String jwt) {
        String payload = jwt.substring(jwt.indexOf('.') + 1, jwt.lastIndexOf('.'));
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(payload)).get("jti").asText();
        } catch (Exception e) {
            throw new AssertionError("not a JWT: " + jwt, e);
        }
    }

    private static String sha256(String value) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * For a request that got no answer: each connector's open connections against its {@code maxConnections} (full,
     * new connections wait in the accept queue), its busy request threads, and what the provider's database
     * connections do. A test that cannot say why it failed is not rerun, it is guessed at.
     */
    private static String whereRequestsWait() {
        StringBuilder where = new StringBuilder("connectors:");
        try {
            javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            for (javax.management.ObjectName pool : jmx.queryNames(
                    new javax.management.ObjectName("*:type=ThreadPool,*"), null)) {
                where.append(' ').append(pool.getKeyProperty("name")).append(" connections ")
                        .append(jmx.getAttribute(pool, "connectionCount")).append('/')
                        .append(jmx.getAttribute(pool, "maxConnections")).append(" busy threads ")
                        .append(jmx.getAttribute(pool, "currentThreadsBusy"));
            }
        } catch (Exception | Error e) {
            where.append(' ').append(e);
        }
        where.append("; the provider's database sessions:");
        for (int port : List.of(pair.primaryPort, pair.standbyPort)) {
            try (Connection admin = pair.superuser(port); Statement sql = admin.createStatement();
                    ResultSet r = sql.executeQuery("SELECT state, wait_event, count(*) FROM pg_stat_activity"
                            + " WHERE usename = '" + PostgresPair.USER + "' GROUP BY 1, 2")) {
                where.append(" :").append(port);
                while (r.next()) {
                    where.append(' ').append(r.getString(1)).append('/').append(r.getString(2)).append(' ')
                            .append(r.getInt(3));
                }
            } catch (Exception e) {
                where.append(" :").append(port).append(" unreachable");
            }
        }
        return where.toString();
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
