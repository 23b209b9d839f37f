package dev.echoid.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.ServerDisclosure;
import dev.echoid.testkit.ServerDisclosure.Answer;
import dev.echoid.testkit.ServerDisclosure.Probe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * What both Tomcat tests prove, whoever started Tomcat: the provider runs on the JNDI data source of
 * {@code identity.xml}, and a person signs in through the gateway (ROOT.war) at the provider (/identity).
 */
final class TomcatChecks {

    // the bootstrap user and client that both tests give the provider (StandaloneTomcat, tomcat-it/pom.xml)
    static final String USER = "ada";
    static final String PASSWORD = "correct horse battery staple";
    static final String CLIENT_ID = "echo";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TomcatChecks() {
    }

    static void readyOnContainerDataSource(String issuer, Supplier<String> log) throws IOException {
        HttpResponse<String> ready = new Browser().get(URI.create(issuer + "/health/ready"));
        assertThat(ready.statusCode()).as("readiness; the log:%n%s", log.get()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("UP");

        // the placeholders were resolved from the environment and the container's pool is the one in use,
        // not the WAR's own pool (which IDENTITY_DB_URL would also make possible)
        assertThat(log.get())
                .contains("Using the container data source java:comp/env/jdbc/identity")
                .doesNotContain("Using a connection pool")
                .doesNotContain("${IDENTITY_DB_URL}");

        // the container's pool, seen from the application in /metrics (loopback may read it)
        HttpResponse<String> metrics = new Browser().get(URI.create(issuer + "/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("echoid_db_connections_in_use{pool=\"container\"}")
                .contains("echoid_db_connection_acquire_failures_total{pool=\"container\"} 0.0")
                .doesNotContain("hikaricp_");
        assertThat(metrics.body().lines()
                .filter(line -> line.startsWith("echoid_db_connection_acquire_seconds_count{pool=\"container\"}"))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                .as("connections taken while starting and answering readiness").singleElement()
                .satisfies(count -> assertThat(count).isPositive());
    }

    static void signInThroughGateway(String gateway, String issuer, Supplier<String> log) throws IOException {
        Browser browser = new Browser();

        HttpResponse<String> home = browser.get(URI.create(gateway + "/"));
        assertThat(home.statusCode()).as("the gateway at ROOT.war; the log:%n%s", log.get()).isEqualTo(302);
        HttpResponse<String> login = browser.get(Browser.location(home));
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = Browser.location(login);
        assertThat(authorize.toString()).startsWith(issuer + "/authorize?");
        assertThat(Browser.query(authorize)).containsEntry("client_id", CLIENT_ID)
                .containsEntry("redirect_uri", gateway + "/callback");

        HttpResponse<String> toLoginPage = browser.get(authorize);
        assertThat(toLoginPage.statusCode()).isEqualTo(302);
        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in");
        HttpResponse<String> back = browser.submit(page, "login",
                Map.of("login:username", USER, "login:password", PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        URI callback = Browser.location(back);
        assertThat(callback.toString()).startsWith(gateway + "/callback?");
        assertThat(Browser.query(callback)).containsEntry("state", Browser.query(authorize).get("state"))
                .containsEntry("iss", issuer).containsKey("code");

        HttpResponse<String> landed = browser.get(callback);
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(Browser.location(landed).toString()).isEqualTo(gateway + "/");

        HttpResponse<String> signedIn = browser.get(URI.create(gateway + "/"));
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.body()).contains("Demo User").contains(USER);

        HttpResponse<String> echo = browser.get(URI.create(gateway + "/api/echo?x=1"), "Accept", "application/json");
        assertThat(echo.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(echo.body());
        assertThat(body.get("query").asText()).isEqualTo("x=1");
        assertThat(body.get("identity").get("preferred_username").asText()).isEqualTo(USER);
        assertThat(body.get("identity").get("iss").asText()).isEqualTo(issuer);
    }

    /**
     * The requests Tomcat refuses itself (request line or header too long, a control character in a header, a
     * malformed URI, an unknown method, HTTP/0.9 and junk), to the gateway at {@code /} and the provider at
     * {@code /identity/} over a raw socket: no answer shows a stack trace, an exception's class name, a product
     * name or a version (the guide's {@code error-report-valve.xml}), and none is a 500.
     */
    static Stream<DynamicTest> malformedRequestsRevealNothing(URI server) {
        List<DynamicTest> tests = new ArrayList<>();
        for (String path : List.of("/", "/identity/")) {
            for (Probe probe : ServerDisclosure.probes(server.getHost(), server.getPort(), path)) {
                tests.add(DynamicTest.dynamicTest(path + ": " + probe.name(), () -> {
                    Answer answer = ServerDisclosure.send(server.getHost(), server.getPort(), probe);
                    assertThat(ServerDisclosure.findings(answer)).as("%s:%n%s%n%n%s", probe.name(), answer.head(),
                            answer.body()).isEmpty();
                    assertThat(ServerDisclosure.acceptableStatus(probe, answer.status())).as("%s: status %d%n%s",
                            probe.name(), answer.status(), answer.head()).isTrue();
                }));
            }
        }
        return tests.stream();
    }
}
