package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.CapturedLog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Orchestrators start things in any order: the launcher's system deployed while its PostgreSQL is not there yet.
 * The provider deploys anyway, says it is not ready, answers every request with a 503 and {@code Retry-After} (JSON
 * {@code temporarily_unavailable} for a program, a readable page for a person), and once the database appears it
 * migrates, builds what needs the database and becomes ready without a restart; the gateway, deployed beside it
 * while the provider's discovery document could not be served, works as soon as it can be. A database that refuses
 * the provider's password is no reason to wait: readiness names the failure and the log says it once.
 */
class StartupWithoutDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Embedded PostgreSQL starts in a few seconds; the retry backoff is bounded well below this. */
    private static final Duration READY_BOUND = Duration.ofSeconds(60);
    private static final String[] DETAILS = List.of("Exception", "\tat ", "jdbc", "PSQL", "Hikari", "SQL",
            "Connection refused", "localhost:").toArray(String[]::new);

    private CapturedLog log;
    private List<LogRecord> records;

    private EmbeddedPostgres postgres;
    private DevServer system;

    @BeforeEach
    void captureProviderLog() {
        log = CapturedLog.open("dev.echoid.identity");
        records = log.records();
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        if (system != null) {
            system.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void deployWhenDatabaseNotYetReachableThen503UntilItAppearsThenReadyAndSignInWorksWithoutRestart()
            throws Exception {
        int databasePort = RunningSystem.freePort();
        system = start(databasePort, "postgres", "postgres");
        String issuer = system.options().issuer();
        String gateway = system.options().gateway();
        URI ready = URI.create(system.options().healthBase().orElseThrow() + "/health/ready");

        // deployed: the process answers, readiness says why it is not ready, on the health port and the main one
        assertThat(new Browser().get(URI.create(issuer + "/health/live")).statusCode()).isEqualTo(200);
        for (URI probe : List.of(ready, URI.create(issuer + "/health/ready"))) {
            HttpResponse<String> notReady = new Browser().get(probe);
            assertThat(notReady.statusCode()).as(notReady.body()).isEqualTo(503);
            JsonNode body = JSON.readTree(notReady.body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            JsonNode startup = body.get("checks").get("startup");
            assertThat(startup.get("status").asText()).isEqualTo("DOWN");
            assertThat(startup.get("phase").asText()).isEqualTo("waiting_for_database");
            assertThat(startup.get("reason").asText()).isNotBlank();
            assertThat(notReady.body()).doesNotContain(DETAILS);
        }

        // a program gets the OAuth error, a person a page; both are told when to come back
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (DevServer.CLIENT_ID + ":" + system.clientSecret()).getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("token", "introspect", "revoke")) {
            HttpResponse<String> token = new Browser().postForm(URI.create(issuer + "/" + path),
                    Map.of("grant_type", "refresh_token", "refresh_token", "r", "token", "t"),
                    "Authorization", basic, "Accept", "application/json");
            assertUnavailableJson(token);
        }
        assertUnavailableJson(new Browser().get(URI.create(issuer + "/.well-known/openid-configuration")));
        assertUnavailableJson(new Browser().get(URI.create(issuer + "/jwks")));
        HttpResponse<String> authorize = new Browser().get(URI.create(issuer + "/authorize?response_type=code"
                + "&client_id=echo&scope=openid"), "Accept", "text/html");
        assertUnavailablePage(authorize);
        assertThat(authorize.headers().firstValue("Location")).isEmpty();
        assertUnavailablePage(new Browser().get(URI.create(issuer + "/login.xhtml"), "Accept", "text/html"));
        // the gateway deployed too, and says sign-in is unavailable while the provider's discovery is
        Browser person = new Browser();
        HttpResponse<String> toLogin = person.get(URI.create(gateway + "/"), "Accept", "text/html");
        HttpResponse<String> gatewayLogin = person.get(Browser.location(toLogin), "Accept", "text/html");
        assertUnavailablePage(gatewayLogin);

        // a burst of requests while the database appears: each is a 503 or a real answer, never a 500
        ExecutorService burst = Executors.newFixedThreadPool(4);
        List<Future<List<Integer>>> statuses = new ArrayList<>();
        Instant stopBurst = Instant.now().plus(READY_BOUND);
        try {
            for (int i = 0; i < 4; i++) {
                statuses.add(burst.submit(() -> {
                    List<Integer> seen = new ArrayList<>();
                    Browser client = new Browser();
                    while (Instant.now().isBefore(stopBurst)) {
                        HttpResponse<String> answer = client.get(
                                URI.create(issuer + "/.well-known/openid-configuration"));
                        seen.add(answer.statusCode());
                        if (answer.statusCode() == 200) {
                            break;
                        }
                        Thread.sleep(50);
                    }
                    return seen;
                }));
            }
            Thread.sleep(1500); // a few attempts fail first: the backoff must not leave it waiting long after
            postgres = EmbeddedPostgres.builder().setPort(databasePort).start();
            Instant appeared = Instant.now();
            awaitReady(ready);
            Duration took = Duration.between(appeared, Instant.now());
            assertThat(took).as("ready %s after the database appeared", took).isLessThan(Duration.ofSeconds(30));
            for (Future<List<Integer>> seen : statuses) {
                assertThat(seen.get()).as("statuses during the switch").containsOnly(503, 200).endsWith(200);
            }
        } finally {
            burst.shutdownNow();
        }

        // ready: migrated, keys created, the bootstrap user and client seeded
        JsonNode checks = JSON.readTree(new Browser().get(ready).body()).get("checks");
        assertThat(checks.get("migrations").get("status").asText()).isEqualTo("UP");
        assertThat(checks.get("signing_keys").get("signing").get("RS256").asText()).isNotBlank();
        assertThat(new Browser().get(URI.create(issuer + "/jwks")).statusCode()).isEqualTo(200);

        // a whole sign-in through the gateway, its token request included, in the same browser
        HttpResponse<String> home = signIn(person, gateway);
        assertThat(home.statusCode()).as(home.body()).isEqualTo(200);
        assertThat(home.body()).contains(DevServer.DEMO_USER);

        // and a token request of the client's own: the refresh token the gateway has is not ours, so a wrong one
        HttpResponse<String> refused = new Browser().postForm(URI.create(issuer + "/token"),
                Map.of("grant_type", "refresh_token", "refresh_token", "not-a-refresh-token"),
                "Authorization", basic, "Accept", "application/json");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("invalid_grant");

        // the wait was logged as a line now and then, never a stack trace per attempt
        assertThat(records).filteredOn(r -> r.getThrown() != null && r.getLoggerName().contains("Startup"))
                .isEmpty();
    }

    @Test
    void deployWhenDatabaseRefusesCredentialsThenFailedWithClearReasonAndNoEndlessRetries() throws Exception {
        int databasePort = RunningSystem.freePort();
        postgres = EmbeddedPostgres.builder().setPort(databasePort).start();
        // the embedded server trusts any password on localhost, so the refusal is of the role: 28000, as pg_hba.conf
        // or a password the server checks would answer (28P01)
        system = start(databasePort, "no_such_role", "wrong-password");
        URI ready = URI.create(system.options().healthBase().orElseThrow() + "/health/ready");

        JsonNode startup = awaitPhase(ready, "failed");
        assertThat(startup.get("reason").asText()).contains("IDENTITY_DB_USER").contains("IDENTITY_DB_PASSWORD")
                .doesNotContain(DETAILS);
        HttpResponse<String> token = new Browser().postForm(URI.create(system.options().issuer() + "/token"),
                Map.of("grant_type", "client_credentials"), "Accept", "application/json");
        assertUnavailableJson(token);

        // said once, clearly, and not tried again and again
        Thread.sleep(3000);
        List<LogRecord> failures = records.stream().filter(r -> r.getLevel().intValue() >= java.util.logging.Level
                .SEVERE.intValue() && r.getLoggerName().contains("Startup")).toList();
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).getMessage()).contains("IDENTITY_DB_PASSWORD");
        int logged = records.size();
        Thread.sleep(3000);
        assertThat(records.size()).as("nothing more logged once failed").isEqualTo(logged);
        assertThat(awaitPhase(ready, "failed").get("phase").asText()).isEqualTo("failed");
    }

    @Test
    void gatewayWhenProviderNotListeningYetThenReadable503AndSignInWorksWhenItAppears() throws Exception {
        Path data = RunningSystem.temporaryDirectory();
        DevServer.Options fresh = RunningSystem.freshOptions(data);
        // the provider as the gateway knows it: an address where nothing listens until the relay opens
        try (DatabaseLink provider = new DatabaseLink(fresh.identityPort())) {
            provider.cut();
            String issuer = "http://localhost:" + provider.port() + "/identity";
            system = DevServer.start(new DevServer.Options(fresh.host(), fresh.identityPort(), fresh.echoPort(), data,
                    fresh.webapps(), fresh.databaseUrl(), fresh.databaseUser(), fresh.databasePassword(),
                    Map.of("IDENTITY_ISSUER", issuer, "ECHO_ISSUER", issuer)));
            String gateway = system.options().gateway();
            assertThat(new Browser().get(URI.create(gateway + "/health/ready")).statusCode())
                    .as("the gateway's readiness does not follow the provider").isEqualTo(200);

            Browser person = new Browser();
            HttpResponse<String> toLogin = person.get(URI.create(gateway + "/"), "Accept", "text/html");
            assertUnavailablePage(person.get(Browser.location(toLogin), "Accept", "text/html"));
            HttpResponse<String> api = person.get(URI.create(gateway + "/login"), "Accept", "application/json");
            assertThat(api.statusCode()).isEqualTo(503);
            assertRetryAfter(api);

            provider.restore();
            HttpResponse<String> home = signIn(person, gateway);
            assertThat(home.statusCode()).as(home.body()).isEqualTo(200);
            assertThat(home.body()).contains(DevServer.DEMO_USER);
        }
    }

    private static DevServer start(int databasePort, String user, String password) {
        Path data = RunningSystem.temporaryDirectory();
        DevServer.Options fresh = RunningSystem.freshOptions(data,
                Map.of(DevServer.HEALTH_PORT, Integer.toString(RunningSystem.freePort()),
                        "IDENTITY_DB_CONNECTION_TIMEOUT_SECONDS", "5"));
        // DevServer.start fails when a web application does not start: deploying is the first thing proven
        return DevServer.start(new DevServer.Options(fresh.host(), fresh.identityPort(), fresh.echoPort(), data,
                fresh.webapps(), Optional.of("jdbc:postgresql://localhost:" + databasePort + "/postgres"),
                Optional.of(user), Optional.of(password), fresh.settings()));
    }

    private static HttpResponse<String> signIn(Browser browser, String gateway) {
        HttpResponse<String> toLogin = browser.get(URI.create(gateway + "/"));
        HttpResponse<String> toProvider = browser.get(Browser.location(toLogin));
        assertThat(toProvider.statusCode()).as(toProvider.body()).isEqualTo(302);
        HttpResponse<String> toLoginPage = browser.get(Browser.location(toProvider));
        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        HttpResponse<String> signedIn = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(302);
        HttpResponse<String> landed = browser.get(Browser.location(signedIn));
        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
        return browser.get(URI.create(gateway + "/"));
    }

    private static void assertUnavailableJson(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isEqualTo(503);
        assertRetryAfter(answer);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(answer.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(body.get("error_description").asText()).isNotBlank();
        assertThat(answer.body()).doesNotContain(DETAILS);
    }

    private static void assertUnavailablePage(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isEqualTo(503);
        assertRetryAfter(answer);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(answer.body()).contains("<title>").contains("</html>").contains("try again")
                .doesNotContain(DETAILS);
    }

    private static void assertRetryAfter(HttpResponse<String> answer) {
        // RFC 9110 §10.2.3: a delay in seconds
        assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After of " + answer.uri())
                .hasValueSatisfying(value -> assertThat(Integer.parseInt(value)).isPositive());
    }

    private static void awaitReady(URI ready) throws InterruptedException {
        Instant deadline = Instant.now().plus(READY_BOUND);
        HttpResponse<String> answer = null;
        Browser probe = new Browser(); // one client, one connection: the health connector has few
        while (Instant.now().isBefore(deadline)) {
            answer = probe.get(ready);
            if (answer.statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready within " + READY_BOUND + " of the database appearing: "
                + (answer == null ? "no answer" : answer.body()));
    }

    private static JsonNode awaitPhase(URI ready, String phase) throws Exception {
        Instant deadline = Instant.now().plus(READY_BOUND);
        String body = "";
        Browser probe = new Browser(); // one client, one connection: the health connector has few
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> answer = probe.get(ready);
            body = answer.body();
            if (answer.statusCode() == 503) {
                JsonNode startup = JSON.readTree(body).path("checks").path("startup");
                if (phase.equals(startup.path("phase").asText())) {
                    return startup;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness never said " + phase + ": " + body);
    }
}
