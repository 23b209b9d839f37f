package dev.echoid.wildfly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.ServerDisclosure;
import dev.echoid.testkit.ServerDisclosure.Answer;
import dev.echoid.testkit.ServerDisclosure.Probe;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both WARs, exactly as the build ships them, in one managed WildFly (unpacked from Maven Central) with the data
 * source from {@code server-config/wildfly/datasource.cli}: the provider at {@code /identity}, the gateway at
 * {@code /echo}, every hop over real HTTP.
 */
@ExtendWith(WildFlyPostgres.class)
@ExtendWith(ArquillianExtension.class)
class WildFlyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "http://localhost:" + System.getProperty("wildfly.http.port");
    private static final String ISSUER = BASE + "/identity";
    private static final String GATEWAY = BASE + "/echo";
    // the settings wildfly-it/pom.xml gives the server
    private static final String DEMO_USER = "demo";
    private static final String DEMO_PASSWORD = "demo-password";

    @Deployment(name = "identity", order = 1, testable = false)
    static WebArchive identity() {
        return war("identity.war");
    }

    @Deployment(name = "echo", order = 2, testable = false)
    static WebArchive echo() {
        return war("echo.war");
    }

    private static WebArchive war(String name) {
        return ShrinkWrap.createFromZipFile(WebArchive.class,
                Path.of(System.getProperty("wars.dir"), name).toFile());
    }

    /**
     * The requests the server refuses itself (request line or header too long, a control character in a header, a
     * malformed URI, an unknown method, HTTP/0.9 and junk) over a raw socket, to the server's root and both
     * deployments, and an ordinary request: no answer names WildFly or Undertow (no {@code Server} or
     * {@code X-Powered-By} header, no welcome page), shows a stack trace or a version, or is a 500
     * ({@code server-config/wildfly/server-hardening.cli}).
     */
    @Test
    void malformedRequestWhenWildFlyRefusesItThenAnswerRevealsNothing() throws IOException {
        URI server = URI.create(BASE);
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/", "/identity/", "/echo/")) {
            List<Probe> probes = new ArrayList<>(ServerDisclosure.probes(server.getHost(), server.getPort(), path));
            probes.add(0, new Probe("ordinary GET", ("GET " + path + " HTTP/1.1\r\nHost: " + server.getAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            for (Probe probe : probes) {
                Answer answer = ServerDisclosure.send(server.getHost(), server.getPort(), probe);
                softly.assertThat(ServerDisclosure.findings(answer)).as("%s %s:%n%s%n%n%s", path, probe.name(),
                        answer.head(), answer.body()).isEmpty();
                softly.assertThat(ServerDisclosure.acceptableStatus(probe, answer.status())).as("%s %s: status %d%n%s",
                        path, probe.name(), answer.status(), answer.head()).isTrue();
            }
        }
        softly.assertAll();
    }

    @Test
    void discoveryWhenOnWildFlyThenAdvertisesEndpointsUnderIssuer() throws IOException {
        HttpResponse<String> response = new Browser().get(URI.create(ISSUER + "/.well-known/openid-configuration"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode discovery = JSON.readTree(response.body());
        assertThat(discovery.get("issuer").asText()).isEqualTo(ISSUER);
        assertThat(discovery.get("authorization_endpoint").asText()).isEqualTo(ISSUER + "/authorize");
        assertThat(discovery.get("token_endpoint").asText()).isEqualTo(ISSUER + "/token");

        HttpResponse<String> jwks = new Browser().get(URI.create(discovery.get("jwks_uri").asText()));
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(jwks.body()).get("keys")).isNotEmpty();
    }

    @Test
    void readinessWhenOnWildFlyThenUsesDataSourceFromCliScript() throws IOException {
        HttpResponse<String> ready = new Browser().get(URI.create(ISSUER + "/health/ready"));
        assertThat(ready.statusCode()).isEqualTo(200);
        // the provider took java:comp/env/jdbc/identity (jboss-web.xml -> IdentityDS), not its own pool
        String log = Files.readString(Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log"));
        assertThat(log).contains("Using the container data source java:comp/env/jdbc/identity")
                .doesNotContain("Using a connection pool to");

        // WildFly's pool seen from the application in /metrics (loopback may read it)
        HttpResponse<String> metrics = new Browser().get(URI.create(ISSUER + "/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("echoid_db_connections_in_use{pool=\"container\"}")
                .containsPattern("echoid_db_connection_acquire_seconds_count\\{pool=\"container\"\\} [1-9]")
                .doesNotContain("hikaricp_");
    }

    @Test
    void loginPageWhenOnWildFlyThenFacesRendersTheForm() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(GATEWAY + "/login")));
        HttpResponse<String> toLoginPage = browser.get(authorize);
        assertThat(toLoginPage.statusCode()).isEqualTo(302);
        assertThat(Browser.location(toLoginPage).getPath()).isEqualTo("/identity/login.xhtml");

        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in").contains("jakarta.faces.ViewState")
                .contains("name=\"login:username\"").contains("name=\"login:password\"");
        // the pending request is bound to this browser by the provider's IDENTITY_LOGIN cookie (no HTTP session)
        assertThat(cookie(browser, "IDENTITY_LOGIN")).isNotNull();
    }

    @Test
    void browserWhenSignedInOnWildFlyThenGatewayShowsUserAndEchoApiReturnsIdentity() throws IOException {
        Browser browser = new Browser();

        HttpResponse<String> home = browser.get(URI.create(GATEWAY + "/"));
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(Browser.location(home).toString()).isEqualTo(GATEWAY + "/login?return_to=%2F");

        HttpResponse<String> login = browser.get(Browser.location(home));
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = Browser.location(login);
        assertThat(authorize.toString()).startsWith(ISSUER + "/authorize?");
        assertThat(Browser.query(authorize)).containsKeys("state", "nonce", "code_challenge")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("client_id", "echo")
                .containsEntry("response_type", "code")
                .containsEntry("redirect_uri", GATEWAY + "/callback");

        URI callback = Browser.location(signInAtProvider(browser, authorize));
        assertThat(callback.toString()).startsWith(GATEWAY + "/callback?");
        assertThat(Browser.query(callback)).containsEntry("state", Browser.query(authorize).get("state"))
                .containsEntry("iss", ISSUER).containsKey("code");

        String sessionBefore = cookie(browser, "ECHOSESSION");
        HttpResponse<String> landed = browser.get(callback);
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(Browser.location(landed).toString()).isEqualTo(GATEWAY + "/");
        assertThat(cookie(browser, "ECHOSESSION")).as("session id rotated at sign-in").isNotEqualTo(sessionBefore);

        HttpResponse<String> page = browser.get(URI.create(GATEWAY + "/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(DEMO_USER);

        HttpResponse<String> echo = browser.get(URI.create(GATEWAY + "/api/echo?x=1"), "Accept", "application/json");
        assertThat(echo.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(echo.body());
        assertThat(body.get("method").asText()).isEqualTo("GET");
        assertThat(body.get("query").asText()).isEqualTo("x=1");
        assertThat(body.get("identity").get("preferred_username").asText()).isEqualTo(DEMO_USER);
        assertThat(body.get("identity").get("iss").asText()).isEqualTo(ISSUER);
        // the token stays on the server: the browser holds session cookies only
        assertThat(browser.cookies().getCookieStore().getCookies())
                .allSatisfy(c -> assertThat(c.getValue()).doesNotStartWith("eyJ"));
    }

    @Test
    void backchannelLogoutWhenProviderSessionEndsOnWildFlyThenGatewaySessionEnds() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(GATEWAY + "/login")));
        browser.get(Browser.location(signInAtProvider(browser, authorize)));
        assertThat(browser.get(URI.create(GATEWAY + "/")).statusCode()).isEqualTo(200);

        HttpResponse<String> ask = browser.get(URI.create(ISSUER + "/logout"));
        assertThat(ask.body()).contains("Do you want to sign out");
        HttpResponse<String> done = browser.submit(ask, "logout", Map.of(), "confirm");
        assertThat(done.body()).contains("You are signed out");

        // the provider POSTs a logout token to the gateway in the same server (after its answer: the page never
        // waits for it), which ends that session
        HttpResponse<String> after = browser.get(URI.create(GATEWAY + "/"));
        for (long deadline = System.nanoTime() + 20_000_000_000L; after.statusCode() == 200
                && System.nanoTime() < deadline; after = browser.get(URI.create(GATEWAY + "/"))) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(Browser.location(after).getPath()).isEqualTo("/echo/login");
    }

    /** At the provider: authorize, fill in the Faces login form, return the redirect to the gateway. */
    private static HttpResponse<String> signInAtProvider(Browser browser, URI authorize) {
        HttpResponse<String> toLoginPage = browser.get(authorize);
        assertThat(toLoginPage.statusCode()).as("authorize -> login page").isEqualTo(302);
        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> back = browser.submit(page, "login", Map.of(
                "login:username", DEMO_USER, "login:password", DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).as("login -> client").isEqualTo(302);
        return back;
    }

    private static String cookie(Browser browser, String name) {
        return browser.cookies().getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst().orElse(null);
    }
}
