package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.CapturedLog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider while its database is away: the launcher's system on its own PostgreSQL, reached through a relay
 * ({@link DatabaseLink}) that the test cuts, as a stopped database or a broken network would. Every answer is a
 * 503 with {@code Retry-After} that a program or a person understands (never a 500, never a trace or a driver's
 * message), readiness says so within a second instead of waiting out the pool, and everything works again when
 * the database is back. The pool waits 5 s for a connection here ({@code IDENTITY_DB_CONNECTION_TIMEOUT_SECONDS},
 * 30 s by default), so a refused request may take that long, while readiness must answer within 2 s: well under
 * the pool's wait, so the probe's own bound is what the test sees.
 */
class DatabaseOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READINESS_BOUND = Duration.ofSeconds(2);
    // whatever names the database or its driver must stay in the log
    private static final String[] DATABASE_DETAILS = List.of("Exception", "\tat ", "jdbc", "JDBC", "postgres",
            "PSQL", "Hikari", "SQL", "Connection refused", "localhost:").toArray(String[]::new);

    private static EmbeddedPostgres postgres;
    private static DatabaseLink link;
    private static DevServer system;
    private static String issuer;
    private static String gateway;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        link = new DatabaseLink(postgres.getPort());
        Path data = RunningSystem.temporaryDirectory();
        DevServer.Options fresh = RunningSystem.freshOptions(data,
                Map.of("IDENTITY_DB_CONNECTION_TIMEOUT_SECONDS", "5"));
        system = DevServer.start(new DevServer.Options(fresh.host(), fresh.identityPort(), fresh.echoPort(), data,
                fresh.webapps(), Optional.of("jdbc:postgresql://localhost:" + link.port() + "/postgres"),
                Optional.of("postgres"), Optional.of("postgres"), fresh.settings()));
        issuer = system.options().issuer();
        gateway = system.options().gateway();
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
        if (link != null) {
            link.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void databaseBack() throws Exception {
        link.restore();
        awaitReady();
    }

    @Test
    void readinessWhenDatabaseUnreachableThen503WithinASecondAndUpWhenBack() throws Exception {
        assertThat(new Browser().get(URI.create(issuer + "/health/ready")).statusCode()).isEqualTo(200);

        link.cut();
        for (int probe = 0; probe < 4; probe++) {
            Instant started = Instant.now();
            HttpResponse<String> ready = new Browser().get(URI.create(issuer + "/health/ready"));
            Duration took = Duration.between(started, Instant.now());

            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("checks").get("database").get("status").asText()).isEqualTo("DOWN");
            assertThat(took).as("probe %d answered in %s, not after the pool's wait", probe, took)
                    .isLessThan(READINESS_BOUND);
        }

        // a burst of probes (an orchestrator and a load balancer at once) is bounded too
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Instant started = Instant.now();
            List<Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> new Browser().get(URI.create(issuer + "/health/ready")).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(503);
            }
            assertThat(Duration.between(started, Instant.now())).isLessThan(READINESS_BOUND.multipliedBy(2));
        } finally {
            pool.shutdownNow();
        }

        link.restore();
        awaitReady();
    }

    @Test
    void authorizeWhenDatabaseUnreachableThen503PageWithRetryAfterNeverARedirect() throws Exception {
        link.cut();
        HttpResponse<String> answer = new Browser().get(authorizeUri("s-outage-1"), "Accept", "text/html");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Location")).as("client not proven: no redirect").isEmpty();
        assertRetryAfter(answer);
        assertReadablePage(answer);
    }

    @Test
    void authorizeWhenDatabaseStopsAfterClientProvenThenRedirectWithTemporarilyUnavailableStateAndIss()
            throws Exception {
        // the database refuses work after the client was looked up, as one that is shutting down does (57P03)
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
            sql.execute("CREATE FUNCTION test_refuse_now() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "RAISE EXCEPTION 'the database system is shutting down' USING ERRCODE = '57P03'; END $$");
            sql.execute("CREATE TRIGGER test_refuse_now BEFORE INSERT ON pending_authorization "
                    + "FOR EACH ROW EXECUTE FUNCTION test_refuse_now()");
        }
        try {
            HttpResponse<String> answer = new Browser().get(authorizeUri("s-outage-2"), "Accept", "text/html");

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
            URI back = Browser.location(answer);
            assertThat(back.toString()).startsWith(gateway + "/callback?");
            // RFC 6749 §4.1.2.1 error, with state, and RFC 9207 iss
            assertThat(Browser.query(back)).containsEntry("error", "temporarily_unavailable")
                    .containsEntry("state", "s-outage-2").containsEntry("iss", issuer).doesNotContainKey("code");
            assertThat(Browser.query(back).get("error_description")).doesNotContain("SQL").doesNotContain("57P03");
            assertRetryAfter(answer);
        } finally {
            try (Connection db = postgres.getPostgresDatabase().getConnection();
                    Statement sql = db.createStatement()) {
                sql.execute("DROP TRIGGER test_refuse_now ON pending_authorization");
                sql.execute("DROP FUNCTION test_refuse_now()");
            }
        }
        // and with the database answering again, the same request reaches the login page
        HttpResponse<String> again = new Browser().get(authorizeUri("s-outage-3"));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(Browser.location(again).toString()).startsWith(issuer + "/login.xhtml?request=");
    }

    @Test
    void tokenRevokeIntrospectWhenDatabaseUnreachableThen503TemporarilyUnavailableJson() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (DevServer.CLIENT_ID + ":" + system.clientSecret()).getBytes(StandardCharsets.UTF_8));
        link.cut();
        Map<String, Map<String, String>> requests = Map.of(
                "token", Map.of("grant_type", "authorization_code", "code", "some-code",
                        "redirect_uri", gateway + "/callback", "code_verifier", "v".repeat(43)),
                "revoke", Map.of("token", "some-token"),
                "introspect", Map.of("token", "some-token"));
        for (Map.Entry<String, Map<String, String>> request : requests.entrySet()) {
            HttpResponse<String> answer = new Browser().postForm(URI.create(issuer + "/" + request.getKey()),
                    request.getValue(), "Authorization", basic, "Accept", "application/json");

            assertThat(answer.statusCode()).as("%s: %s", request.getKey(), answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("error").asText()).as(request.getKey()).isEqualTo("temporarily_unavailable");
            assertThat(body.get("error_description").asText()).isNotBlank();
            assertThat(answer.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
            assertRetryAfter(answer);
            assertThat(answer.body()).as(request.getKey()).doesNotContain(DATABASE_DETAILS);
        }
    }

    @Test
    void loginFormWhenDatabaseUnreachableThenReadable503PageAndSignInCompletesWhenBack() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> toProvider = browser.get(Browser.location(browser.get(URI.create(gateway + "/"))));
        HttpResponse<String> toLoginPage = browser.get(Browser.location(toProvider));
        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).isEqualTo(200);

        link.cut();
        try (CapturedLog log = CapturedLog.open()) {
            HttpResponse<String> refused = browser.submit(page, "login", Map.of("login:username",
                    DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertRetryAfter(refused);
            assertReadablePage(refused);

            HttpResponse<String> reloaded = browser.get(page.uri());
            assertThat(reloaded.statusCode()).as("the login page itself").isEqualTo(503);
            assertRetryAfter(reloaded);
            assertReadablePage(reloaded);

            // the operator's log: a line per refused page that names the cause, not the container's stack trace
            assertThat(log.severeTraces()).as("stack traces logged for two pages the outage refused").isEmpty();
            assertThat(log.messages("dev.echoid.identity.web.FacesRequestFilter", java.util.logging.Level.WARNING))
                    .as("the refused pages' log lines").hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains("answered 503: the database is unavailable")
                            .doesNotContain("[with a stack trace]"));
        }

        link.restore();
        awaitReady();
        HttpResponse<String> signedIn = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(signedIn.statusCode()).as("the same sign-in, once the database is back").isEqualTo(302);
        URI callback = Browser.location(signedIn);
        assertThat(Browser.query(callback)).containsKey("code");
        HttpResponse<String> landed = browser.get(callback);
        assertThat(landed.statusCode()).isEqualTo(302);
        HttpResponse<String> home = browser.get(URI.create(gateway + "/"));
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains(DevServer.DEMO_USER);
    }

    private static URI authorizeUri(String state) {
        return URI.create(issuer + "/authorize?response_type=code&scope=openid&client_id=" + DevServer.CLIENT_ID
                + "&redirect_uri=" + enc(gateway + "/callback") + "&state=" + state + "&nonce=n-" + state
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
    }

    private static void assertRetryAfter(HttpResponse<String> answer) {
        // RFC 9110 §10.2.3: a delay in seconds
        assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After").hasValueSatisfying(
                value -> assertThat(Integer.parseInt(value)).isPositive());
    }

    private static void assertReadablePage(HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(answer.body()).contains("<title>").contains("</html>").contains("try again")
                .doesNotContain(DATABASE_DETAILS);
    }

    private static void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        int status = 0;
        while (Instant.now().isBefore(deadline)) {
            status = new Browser().get(URI.create(issuer + "/health/ready")).statusCode();
            if (status == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready again within 60 s of the database coming back: " + status);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
