package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.identity.fixtures.CapturedLog;
import dev.echoid.testkit.Browser;
import java.io.File;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator sees: readiness with its checks, the Prometheus metrics (and who may read them), and the access
 * log's one line per request. Tomcat runs in this JVM, so the WAR's java.util.logging records reach a handler here.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    private static CapturedLog access;
    private static List<String> accessLines;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void captureAccessLog() {
        // the other tests keep the access lines off the console (logging.properties)
        access = CapturedLog.of("dev.echoid.access");
        accessLines = access.lines;
    }

    @AfterAll
    static void stopCapturing() {
        access.close();
    }

    @BeforeEach
    void forgetLines() {
        accessLines.clear();
    }

    @Test
    void readyWhenStartedThenUpWithDatabaseMigrationsAndSigningKeys() {
        HttpResponse<String> ready = new Browser().get(Flows.endpoint("health/ready"));
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonNode body = json(ready);
        assertThat(body.get("status").asText()).isEqualTo("UP");
        JsonNode checks = body.get("checks");
        assertThat(checks.get("database").get("status").asText()).isEqualTo("UP");
        assertThat(checks.get("migrations").get("status").asText()).isEqualTo("UP");
        assertThat(checks.get("migrations").get("schema_version").asText()).isEqualTo(newestMigration());
        assertThat(checks.get("signing_keys").get("status").asText()).isEqualTo("UP");
        assertThat(checks.get("signing_keys").get("signing").get("RS256").asText()).isNotBlank();
        assertThat(checks.get("signing_keys").get("signing").get("ES256").asText()).isNotBlank();
    }

    @Test
    void metricsWhenSignedInAndRedeemedThenPrometheusTextWithEveryMeter() {
        Flows.signInAndRedeem(Map.of());

        HttpResponse<String> metrics = new Browser().get(Flows.endpoint("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/plain").contains("version=0.0.4");
        String text = metrics.body();
        assertThat(text).contains("# TYPE echoid_logins_total counter");
        assertThat(value(text, "echoid_logins_total{outcome=\"success\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "echoid_tokens_issued_total{grant_type=\"authorization_code\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(text).contains("# TYPE echoid_token_request_duration_seconds histogram")
                .contains("echoid_token_request_duration_seconds_bucket{outcome=\"success\",le=\"0.1\"}")
                .contains("echoid_token_request_duration_seconds_bucket{outcome=\"success\",le=\"+Inf\"}")
                .contains("echoid_token_request_duration_seconds_count{outcome=\"success\"}");
        assertThat(value(text, "echoid_active_sessions")).isGreaterThanOrEqualTo(1);
        assertThat(text).contains("echoid_lockouts_total ")
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads ")
                .contains("jvm_classes_loaded_classes ")
                .contains("hikaricp_connections{pool=\"identity\"}");
        // the audit chain's backlog: rows are chained after commit, by the chainer's own thread
        assertThat(text).contains("# TYPE echoid_audit_unchained_rows gauge")
                .contains("# TYPE echoid_audit_chained_rows_total counter");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (value(text, "echoid_audit_chained_rows_total") < 1 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            text = scrape();
        }
        assertThat(value(text, "echoid_audit_chained_rows_total")).as("the sign-in's rows chained")
                .isGreaterThanOrEqualTo(1);
        assertThat(value(text, "echoid_audit_unchained_rows")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void metricsWhenLoginFailsAndAccountLocksThenCountersMove() {
        String before = scrape();
        // an unknown name locks like a known one (a lock reveals nothing); the address limit is off in tests
        String ghost = "ghost-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < PostgresExtension.MAX_FAILURES; i++) {
            assertThat(attempt(ghost).statusCode()).isEqualTo(200);
        }
        attempt(ghost); // during the lock
        String after = scrape();

        assertThat(value(after, "echoid_logins_total{outcome=\"failure\"}")
                - value(before, "echoid_logins_total{outcome=\"failure\"}")).isEqualTo(PostgresExtension.MAX_FAILURES);
        assertThat(value(after, "echoid_lockouts_total") - value(before, "echoid_lockouts_total")).isEqualTo(1);
        assertThat(value(after, "echoid_logins_total{outcome=\"locked\"}")
                - value(before, "echoid_logins_total{outcome=\"locked\"}")).isEqualTo(1);
    }

    @Test
    void metricsWhenForwardedByAProxyThenOnlyWithTheToken() {
        HttpResponse<String> none = new Browser().get(Flows.endpoint("metrics"), "X-Forwarded-For", "203.0.113.9");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(none.body()).doesNotContain("echoid_");
        HttpResponse<String> wrong = new Browser().get(Flows.endpoint("metrics"), "X-Forwarded-For", "203.0.113.9",
                "Authorization", "Bearer not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> right = new Browser().get(Flows.endpoint("metrics"), "X-Forwarded-For", "203.0.113.9",
                "Authorization", "Bearer " + PostgresExtension.METRICS_TOKEN);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).contains("echoid_logins_total");
    }

    @Test
    void accessLogWhenCodeRedeemedThenOneLineWithTheLoginIdAndNoQuery() throws Exception {
        JsonNode tokens = Flows.signInAndRedeem(Map.of("state", "secret-state-value"));
        String loginId = JWT.decode(tokens.get("id_token").asText()).getClaim("login_id").asString();
        assertThat(loginId).isNotBlank();

        List<String> tokenLines = settledLines("path=/identity/token ");
        assertThat(tokenLines).hasSize(1);
        assertThat(tokenLines.get(0)).startsWith("access method=POST path=/identity/token status=200 duration_ms=")
                .contains(" remote=127.0.0.1 ").endsWith(" login_id=" + loginId);
        List<String> authorizeLines = settledLines("path=/identity/authorize ");
        assertThat(authorizeLines).hasSize(1);
        assertThat(authorizeLines.get(0)).contains("status=302").endsWith(" login_id=" + loginId);
        assertThat(settledLines("path=/identity/login.xhtml ")).hasSize(2) // the page, then the form's POST
                .allSatisfy(line -> assertThat(line).endsWith(" login_id=" + loginId));
        assertThat(accessLines).noneMatch(line -> line.contains("?") || line.contains("secret-state-value")
                || line.contains("code=") || line.contains(PostgresExtension.CLIENT_SECRET));
    }

    // --- helpers ---

    private static List<String> settledLines(String containing) throws InterruptedException {
        Thread.sleep(200); // a line is written as the request completes, just after the answer was sent
        return accessLines.stream().filter(line -> line.contains(containing)).toList();
    }

    private static HttpResponse<String> attempt(String user) {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(Flows.authorize(Map.of()))));
        return browser.submit(page, "login", Map.of("login:username", user, "login:password", "wrong password"),
                "login:submit");
    }

    private static String scrape() {
        HttpResponse<String> metrics = new Browser().get(Flows.endpoint("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }

    /** The value of the sample whose name and labels are exactly {@code series}. */
    private static double value(String text, String series) {
        return text.lines()
                .filter(line -> line.startsWith(series + " "))
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + text));
    }

    private static String newestMigration() {
        String[] names = new File("../db/migrations").list((dir, name) -> name.matches("V\\d+__.*\\.sql"));
        int newest = 0;
        for (String name : names) {
            newest = Math.max(newest, Integer.parseInt(name.substring(1, name.indexOf("__"))));
        }
        return String.valueOf(newest);
    }
}
