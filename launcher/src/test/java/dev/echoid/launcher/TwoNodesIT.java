package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two provider nodes on one PostgreSQL, as behind a load balancer: both serve the same issuer, and everything one
 * node writes (codes, grants, refresh tokens, sign-on sessions, keys) the other reads. The tests talk to each node
 * directly, as a load balancer would route them.
 *
 * <p>The login form too: its pending request is in PostgreSQL and its Faces views are stateless, so each step may
 * land on any node.
 */
class TwoNodesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "two-nodes-client-secret-0123456789";
    /** Every node keys client secrets alike (made here, never committed): one node's HMAC verifies on the other. */
    private static final String CLIENT_SECRET_KEY = java.util.Base64.getEncoder().encodeToString(
            new java.security.SecureRandom().generateSeed(32));
    private static final String REDIRECT = "https://app.example/callback";
    private static final String ADMIN_TOKEN = "two-nodes-admin-token-0123456789abcdef";
    // every node has the same two keys of secrets at rest (random here, never committed), as in production
    private static final String KEY_ENCRYPTION_KEY = RunningSystem.randomKey();
    private static final String AUDIT_KEY = RunningSystem.randomKey();
    private static EmbeddedPostgres postgres;
    private static DevServer nodeA;
    private static DevServer nodeB;
    private static String issuer;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        issuer = "http://localhost:" + RunningSystem.freePort() + "/identity"; // the load balancer's address
        nodeA = node();
        nodeB = node();
    }

    @AfterAll
    static void stop() throws Exception {
        for (DevServer node : new DevServer[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        postgres.close();
    }

    private static DevServer node() {
        Map<String, String> settings = new HashMap<>();
        settings.put("IDENTITY_ISSUER", issuer);
        settings.put("IDENTITY_BOOTSTRAP_CLIENT_SECRET", SECRET);
        settings.put("IDENTITY_CLIENT_SECRET_KEY", CLIENT_SECRET_KEY);
        settings.put("IDENTITY_BOOTSTRAP_REDIRECT_URIS", REDIRECT);
        settings.put("IDENTITY_ADMIN_TOKEN", ADMIN_TOKEN);
        settings.put("IDENTITY_KEY_PUBLISH_DELAY_SECONDS", "2");
        settings.put("IDENTITY_KEY_ENCRYPTION_KEY", KEY_ENCRYPTION_KEY);
        settings.put("IDENTITY_AUDIT_KEY", AUDIT_KEY);
        DevServer.Options fresh = RunningSystem.freshOptions(RunningSystem.temporaryDirectory(), settings);
        return DevServer.start(new DevServer.Options(fresh.host(), fresh.identityPort(), fresh.echoPort(),
                fresh.dataDirectory(), fresh.webapps(), Optional.of(postgres.getJdbcUrl("postgres", "postgres")),
                Optional.of("postgres"), Optional.of("postgres"), fresh.settings()));
    }

    @Test
    void codeWhenIssuedByOneNodeThenRedeemedAtTheOtherAndTokensVerifyEverywhere() throws Exception {
        Map<String, String> callback = signIn(new Browser(), nodeA, Map.of());
        JsonNode tokens = json(token(nodeB, Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT)));
        assertThat(tokens.get("id_token").asText()).isNotBlank();
        String access = tokens.get("access_token").asText();
        assertThat(userinfo(nodeA, access).statusCode()).isEqualTo(200);
        assertThat(userinfo(nodeB, access).statusCode()).isEqualTo(200);
    }

    @Test
    void loginFormWhenEachStepLandsOnAnotherNodeThenSignInCompletes() {
        Browser browser = new Browser();
        URI loginPage = Browser.location(browser.get(authorize(nodeA, Map.of())));
        HttpResponse<String> page = browser.get(base(nodeB, "login.xhtml?" + loginPage.getRawQuery()));
        assertThat(page.body()).contains("Sign in");
        // the form rendered by node B is posted to node A
        HttpResponse<String> back = browser.submit(page, base(nodeA, "login.xhtml"), "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        Map<String, String> callback = Browser.query(Browser.location(back));
        assertThat(token(nodeB, Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT)).statusCode()).isEqualTo(200);
    }

    @Test
    void loginFormWhenTheNodeThatShowedItStopsThenAnotherTakesThePost() {
        DevServer doomed = node();
        Browser browser = new Browser();
        URI loginPage = Browser.location(browser.get(authorize(doomed, Map.of())));
        HttpResponse<String> page = browser.get(base(doomed, "login.xhtml?" + loginPage.getRawQuery()));
        doomed.close();
        HttpResponse<String> back = browser.submit(page, base(nodeB, "login.xhtml"), "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(Browser.query(Browser.location(back))).containsKey("code");
    }

    @Test
    void refreshWhenUsedAtEitherNodeThenRotatesAndReuseIsCaughtByTheOther() throws Exception {
        Map<String, String> callback = signIn(new Browser(), nodeA, Map.of());
        String refresh1 = json(token(nodeA, Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT))).get("refresh_token").asText();
        String refresh2 = json(token(nodeB, Map.of("grant_type", "refresh_token", "refresh_token", refresh1)))
                .get("refresh_token").asText();
        HttpResponse<String> third = token(nodeA, Map.of("grant_type", "refresh_token", "refresh_token", refresh2));
        assertThat(third.statusCode()).isEqualTo(200);
        // refresh1 was rotated at node B: presenting it at node A is reuse, and ends the grant everywhere
        HttpResponse<String> reuse = token(nodeA, Map.of("grant_type", "refresh_token", "refresh_token", refresh1));
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(json(reuse).get("error").asText()).isEqualTo("invalid_grant");
        String refresh3 = json(third).get("refresh_token").asText();
        assertThat(token(nodeB, Map.of("grant_type", "refresh_token", "refresh_token", refresh3)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void keyWhenRotatedOnOneNodeThenServedAndAcceptedByBoth() throws Exception {
        HttpResponse<String> rotated = new Browser().send(HttpRequest.newBuilder(base(nodeA, "admin/keys/rotate?alg=RS256"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(rotated.statusCode()).isIn(200, 201);
        String kid = json(rotated).get("kid").asText();
        Instant notBefore = Instant.parse(json(rotated).get("not_before").asText());
        while (Instant.now().isBefore(notBefore.plusMillis(200))) {
            Thread.sleep(200);
        }
        // a token signed by the new key at node A...
        Map<String, String> callback = signIn(new Browser(), nodeA, Map.of());
        String access = json(token(nodeA, Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT))).get("access_token").asText();
        assertThat(kidOf(access)).isEqualTo(kid);
        // ...is accepted at node B (an unknown kid makes it reload the keys) and B publishes the key
        Instant deadline = Instant.now().plusSeconds(10);
        int status = userinfo(nodeB, access).statusCode();
        while (status != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            status = userinfo(nodeB, access).statusCode();
        }
        assertThat(status).isEqualTo(200);
        assertThat(new Browser().get(base(nodeB, "jwks")).body()).contains(kid);
    }

    @Test
    void nodeWhenStoppedMidFlowThenTheOtherCarriesOnWithItsCodesTokensAndSessions() throws Exception {
        DevServer doomed = node();
        Browser browser = new Browser();
        Map<String, String> callback = signIn(browser, doomed, Map.of());
        Map<String, String> earlier = signIn(browser, doomed, Map.of("prompt", "none"));
        String refresh = json(token(doomed, Map.of("grant_type", "authorization_code", "code", earlier.get("code"),
                "redirect_uri", REDIRECT))).get("refresh_token").asText();
        doomed.close();

        // the code the stopped node issued is redeemed here
        assertThat(token(nodeB, Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT)).statusCode()).isEqualTo(200);
        // its refresh token works here
        assertThat(token(nodeB, Map.of("grant_type", "refresh_token", "refresh_token", refresh)).statusCode())
                .isEqualTo(200);
        // and the browser's sign-on session, made there, signs in here without a password
        HttpResponse<String> silent = browser.get(authorize(nodeB, Map.of("prompt", "none")));
        assertThat(silent.statusCode()).isEqualTo(302);
        assertThat(Browser.query(Browser.location(silent))).containsKey("code");
    }

    // --- helpers ---

    /** The issuer's path on one node: what a load balancer in front of the node would forward. */
    private static URI base(DevServer node, String path) {
        return URI.create("http://localhost:" + node.options().identityPort() + "/identity/" + path);
    }

    private static URI authorize(DevServer node, Map<String, String> more) {
        Map<String, String> params = new HashMap<>(Map.of("response_type", "code", "client_id", DevServer.CLIENT_ID,
                "redirect_uri", REDIRECT, "scope", "openid profile", "state", "s"));
        params.putAll(more);
        return URI.create(base(node, "authorize") + "?" + Browser.formEncode(params));
    }

    /** The browser's round of /authorize (and the login form when needed) at one node. */
    private static Map<String, String> signIn(Browser browser, DevServer node, Map<String, String> more) {
        HttpResponse<String> answer = browser.get(authorize(node, more));
        assertThat(answer.statusCode()).isEqualTo(302);
        URI next = Browser.location(answer);
        if (next.getPath().endsWith("/login.xhtml")) {
            HttpResponse<String> page = browser.get(base(node, "login.xhtml?" + next.getRawQuery()));
            HttpResponse<String> back = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                    "login:password", DevServer.DEMO_PASSWORD), "login:submit");
            assertThat(back.statusCode()).isEqualTo(302);
            next = Browser.location(back);
        }
        assertThat(next.toString()).startsWith(REDIRECT);
        return Browser.query(next);
    }

    private static HttpResponse<String> token(DevServer node, Map<String, String> form) {
        String basic = Base64.getEncoder().encodeToString((DevServer.CLIENT_ID + ":" + SECRET)
                .getBytes(StandardCharsets.UTF_8));
        return new Browser().postForm(base(node, "token"), form, "Authorization", "Basic " + basic);
    }

    private static HttpResponse<String> userinfo(DevServer node, String accessToken) {
        return new Browser().get(base(node, "userinfo"), "Authorization", "Bearer " + accessToken);
    }

    private static String kidOf(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.')))).get("kid").asText();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        return JSON.readTree(response.body());
    }

}
