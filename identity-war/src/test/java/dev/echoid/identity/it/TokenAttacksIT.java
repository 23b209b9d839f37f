package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.assertOAuthError;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.challenge;
import static dev.echoid.identity.it.Flows.echoClient;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static dev.echoid.identity.it.Flows.signIn;
import static dev.echoid.identity.it.Flows.signInAndRedeem;
import static dev.echoid.identity.it.Flows.userinfo;
import static dev.echoid.identity.it.Flows.verifier;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An attacker (or bad luck) at the token endpoints: a refresh that fails must not spend its token, a replayed code
 * always revokes what it issued, introspection and revocation answer only for the tokens a client may see, and a
 * native app's loopback redirect may take any port while every other redirect URI stays an exact match. Over real
 * HTTP against the deployed WAR and PostgreSQL; PostgreSQL triggers (on test clients only) make the database fail
 * or slow down at chosen moments.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TokenAttacksIT {

    /** Its access-token inserts fail while the switch is on (a database error in the issue step). */
    private static final String FLAKY = "flaky-app";
    private static final String FLAKY_SECRET = "flaky-secret";
    private static final String FLAKY_REDIRECT = "https://flaky.example/cb";
    /** Its grant inserts take half a second (the redeeming transaction stays open). */
    private static final String SLOW = "slow-app";
    private static final String SLOW_SECRET = "slow-secret";
    private static final String SLOW_REDIRECT = "https://slow.example/cb";
    /** A public client (PKCE, no secret) for bursts of redemptions and for revocation. */
    private static final String BURST_SPA = "burst-spa";
    private static final String BURST_REDIRECT = "https://burst.example/cb";
    /** A resource server: may introspect the tokens of echo and burst-spa. */
    private static final String API = "orders-api";
    private static final String API_SECRET = "orders-api-secret";
    /** A confidential client that is no resource server for anyone. */
    private static final String OTHER = "other-service";
    private static final String OTHER_SECRET = "other-service-secret";
    private static final String NATIVE = "native-app";
    private static final String WEB_LOOPBACK = "web-loopback";
    private static final String WEB_LOOPBACK_SECRET = "web-loopback-secret";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerClientsAndTriggers() throws SQLException {
        JdbcClients clients = new JdbcClients(PostgresExtension.dataSource());
        PasswordHasher hasher = PasswordHasher.owaspDefault();
        Set<String> codeAndRefresh = Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN);
        clients.createIfAbsent(new Client(FLAKY, "Flaky", hasher.hash(FLAKY_SECRET),
                List.of(URI.create(FLAKY_REDIRECT)), true, codeAndRefresh, List.of(), null, "RS256", false));
        clients.createIfAbsent(new Client(SLOW, "Slow", hasher.hash(SLOW_SECRET),
                List.of(URI.create(SLOW_REDIRECT)), true, codeAndRefresh, List.of(), null, "RS256", false));
        clients.createIfAbsent(new Client(BURST_SPA, "Burst SPA", null, List.of(URI.create(BURST_REDIRECT)), true,
                codeAndRefresh, List.of(), null, "RS256", false));
        clients.createIfAbsent(resourceServer(API, hasher.hash(API_SECRET), List.of("echo", BURST_SPA)));
        clients.createIfAbsent(new Client(OTHER, "Other service", hasher.hash(OTHER_SECRET), List.of(), true,
                Set.of(Client.CLIENT_CREDENTIALS), List.of(), null, "RS256", false));
        clients.createIfAbsent(nativeClient(NATIVE, List.of(URI.create("http://127.0.0.1/cb"),
                URI.create("http://[::1]/cb"), URI.create("https://native.example/cb"),
                URI.create("http://localhost/cb"))));
        clients.createIfAbsent(new Client(WEB_LOOPBACK, "Web app on a loopback", hasher.hash(WEB_LOOPBACK_SECRET),
                List.of(URI.create("http://127.0.0.1:8080/cb")), true, codeAndRefresh, List.of(), null, "RS256",
                false));
        sql("CREATE TABLE IF NOT EXISTS it_failure_switch (client_id text PRIMARY KEY)",
                "CREATE OR REPLACE FUNCTION it_fail_access_token() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF EXISTS (SELECT 1 FROM it_failure_switch WHERE client_id = NEW.client_id) THEN "
                        + "RAISE EXCEPTION 'simulated database failure (test trigger)'; END IF; RETURN NEW; END $$",
                "DROP TRIGGER IF EXISTS it_fail_access_token ON access_token",
                "CREATE TRIGGER it_fail_access_token BEFORE INSERT ON access_token FOR EACH ROW "
                        + "WHEN (NEW.client_id = '" + FLAKY + "') EXECUTE FUNCTION it_fail_access_token()",
                "CREATE OR REPLACE FUNCTION it_slow_grant() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "PERFORM pg_sleep(0.5); RETURN NEW; END $$",
                "DROP TRIGGER IF EXISTS it_slow_grant ON authorization_grant",
                "CREATE TRIGGER it_slow_grant BEFORE INSERT ON authorization_grant FOR EACH ROW "
                        + "WHEN (NEW.client_id = '" + SLOW + "') EXECUTE FUNCTION it_slow_grant()");
    }

    @AfterEach
    void databaseWorksAgain() throws SQLException {
        sql("DELETE FROM it_failure_switch");
    }

    // --- item 5: a refresh token is spent only by a successful refresh ---

    @Test
    void refreshWithInvalidScopeThenRetryStillWorks() {
        JsonNode tokens = signInAndRedeem(Map.of("scope", "openid profile"));
        String refresh = tokens.get("refresh_token").asText();
        // a client bug: it asks for more than was granted
        assertOAuthError(refresh(echoClient(), refresh, Map.of("scope", "openid profile email")), 400,
                "invalid_scope");

        // RFC 6749 §6: the refused request changed nothing; the retry is no "reuse"
        HttpResponse<String> retry = refresh(echoClient(), refresh, Map.of());
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        JsonNode renewed = json(retry);
        assertThat(userinfo(renewed.get("access_token").asText()).statusCode()).isEqualTo(200);
        assertThat(introspect(echoClient(), renewed.get("refresh_token").asText()).get("active").asBoolean())
                .isTrue();
        // the grant was not revoked: the access token issued with the code still works too
        assertThat(userinfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void refreshWhoseIssueStepFailsLeavesTheTokenUsable() throws SQLException {
        Map<String, String> callback = signIn(Map.of("client_id", FLAKY, "redirect_uri", FLAKY_REDIRECT));
        HttpResponse<String> redeemed = post("token", basic(FLAKY, FLAKY_SECRET), Map.of("grant_type",
                "authorization_code", "code", callback.get("code"), "redirect_uri", FLAKY_REDIRECT));
        assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
        String refresh = json(redeemed).get("refresh_token").asText();

        sql("INSERT INTO it_failure_switch VALUES ('" + FLAKY + "')");
        HttpResponse<String> failed = refresh(basic(FLAKY, FLAKY_SECRET), refresh, Map.of());
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);
        assertThat(json(failed).get("error").asText()).isEqualTo("server_error");
        assertThat(failed.body()).doesNotContain("simulated", "Exception", "at dev.");
        sql("DELETE FROM it_failure_switch");

        // nothing was committed: the same refresh token works, and the grant was not revoked as "reused"
        HttpResponse<String> retry = refresh(basic(FLAKY, FLAKY_SECRET), refresh, Map.of());
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(userinfo(json(retry).get("access_token").asText()).statusCode()).isEqualTo(200);
        assertThat(userinfo(json(redeemed).get("access_token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void codeRedemptionWhoseIssueStepFailsCanBeRetried() throws SQLException {
        Map<String, String> callback = signIn(Map.of("client_id", FLAKY, "redirect_uri", FLAKY_REDIRECT));
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", FLAKY_REDIRECT);
        sql("INSERT INTO it_failure_switch VALUES ('" + FLAKY + "')");
        HttpResponse<String> failed = post("token", basic(FLAKY, FLAKY_SECRET), form);
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);
        assertThat(json(failed).get("error").asText()).isEqualTo("server_error");
        sql("DELETE FROM it_failure_switch");

        // the redemption rolled back with the failed issue: the code was not spent, no grant hangs half-made
        HttpResponse<String> retry = post("token", basic(FLAKY, FLAKY_SECRET), form);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(userinfo(json(retry).get("access_token").asText()).statusCode()).isEqualTo(200);
        // and it stays single-use
        assertOAuthError(post("token", basic(FLAKY, FLAKY_SECRET), form), 400, "invalid_grant");
    }

    // --- item 5: a replayed code always revokes what the code issued ---

    @Test
    void concurrentCodeReplayAlwaysRevokesWhatTheCodeIssued() throws Exception {
        int parallel = 8;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            for (int round = 0; round < 6; round++) {
                String verifier = verifier();
                Map<String, String> callback = signIn(Map.of("client_id", BURST_SPA, "redirect_uri", BURST_REDIRECT,
                        "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
                Map<String, String> form = Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                        "redirect_uri", BURST_REDIRECT, "client_id", BURST_SPA, "code_verifier", verifier);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < parallel; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return post("token", null, form);
                    }));
                }
                start.countDown();
                List<JsonNode> won = new ArrayList<>();
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                    if (response.statusCode() == 200) {
                        won.add(json(response));
                    } else {
                        assertOAuthError(response, 400, "invalid_grant");
                    }
                }
                assertThat(won).as("round " + round + ": exactly one redemption wins").hasSize(1);
                JsonNode winner = won.get(0);
                // RFC 6749 §4.1.2: the replays revoked what the code issued, whichever came first
                assertThat(introspect(basic(API, API_SECRET), winner.get("access_token").asText())
                        .get("active").asBoolean()).as("round " + round + ": access token").isFalse();
                assertOAuthError(post("token", null, Map.of("grant_type", "refresh_token", "client_id", BURST_SPA,
                        "refresh_token", winner.get("refresh_token").asText())), 400, "invalid_grant");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void codeReplayWhileTheWinnersTransactionIsOpenRevokesWhatItIssued() throws Exception {
        Map<String, String> callback = signIn(Map.of("client_id", SLOW, "redirect_uri", SLOW_REDIRECT));
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", SLOW_REDIRECT);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> first = pool.submit(() -> post("token", basic(SLOW, SLOW_SECRET), form));
            Thread.sleep(250); // the first redemption is now inside its (half-second) grant insert
            Future<HttpResponse<String>> replay = pool.submit(() -> post("token", basic(SLOW, SLOW_SECRET), form));
            HttpResponse<String> winner = first.get(60, TimeUnit.SECONDS);
            assertThat(winner.statusCode()).as(winner.body()).isEqualTo(200);
            assertOAuthError(replay.get(60, TimeUnit.SECONDS), 400, "invalid_grant");

            JsonNode tokens = json(winner);
            assertThat(introspect(basic(SLOW, SLOW_SECRET), tokens.get("access_token").asText())
                    .get("active").asBoolean()).isFalse();
            assertThat(introspect(basic(SLOW, SLOW_SECRET), tokens.get("refresh_token").asText())
                    .get("active").asBoolean()).isFalse();
            assertThat(userinfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(401);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- item 9: introspection (RFC 7662 §4) ---

    @Test
    void introspectionByAnotherClientSaysInactive() {
        JsonNode tokens = signInAndRedeem(Map.of());
        JsonNode answer = introspect(basic(OTHER, OTHER_SECRET), tokens.get("access_token").asText());
        assertThat(answer.get("active").asBoolean()).isFalse();
        assertThat(answer).as("nothing about the token is told").hasSize(1);
        // the token itself is fine: its own client sees it active
        assertThat(introspect(echoClient(), tokens.get("access_token").asText()).get("active").asBoolean()).isTrue();
        // a client_credentials token of OTHER is not shown to echo either
        String own = json(post("token", basic(OTHER, OTHER_SECRET), Map.of("grant_type", "client_credentials")))
                .get("access_token").asText();
        assertThat(introspect(echoClient(), own)).hasSize(1);
        assertThat(introspect(basic(OTHER, OTHER_SECRET), own).get("active").asBoolean()).isTrue();
    }

    @Test
    void resourceServerMayIntrospectTokensOfItsAudience() {
        JsonNode tokens = signInAndRedeem(Map.of());
        JsonNode answer = introspect(basic(API, API_SECRET), tokens.get("access_token").asText());
        assertThat(answer.get("active").asBoolean()).isTrue();
        assertThat(answer.get("client_id").asText()).isEqualTo("echo");
        // only the tokens of the clients it serves
        String otherToken = json(post("token", basic(OTHER, OTHER_SECRET), Map.of("grant_type",
                "client_credentials"))).get("access_token").asText();
        assertThat(introspect(basic(API, API_SECRET), otherToken)).hasSize(1);
        // a refresh token is never shown to a resource server, only to its own client
        assertThat(introspect(basic(API, API_SECRET), tokens.get("refresh_token").asText())).hasSize(1);
        assertThat(introspect(echoClient(), tokens.get("refresh_token").asText()).get("active").asBoolean())
                .isTrue();
    }

    // --- item 9: revocation by public clients (RFC 7009 §2.1) ---

    @Test
    void publicClientRevokesItsOwnRefreshToken() {
        JsonNode tokens = redeemAsBurstSpa();
        HttpResponse<String> revoked = post("revoke", null, Map.of("token", tokens.get("refresh_token").asText(),
                "client_id", BURST_SPA));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertOAuthError(post("token", null, Map.of("grant_type", "refresh_token", "client_id", BURST_SPA,
                "refresh_token", tokens.get("refresh_token").asText())), 400, "invalid_grant");
        assertThat(userinfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(401);
        // and an access token alone
        JsonNode more = redeemAsBurstSpa();
        assertThat(post("revoke", null, Map.of("token", more.get("access_token").asText(), "client_id", BURST_SPA,
                "token_type_hint", "access_token")).statusCode()).isEqualTo(200);
        assertThat(userinfo(more.get("access_token").asText()).statusCode()).isEqualTo(401);
    }

    @Test
    void publicClientCannotRevokeAnotherClientsToken() {
        JsonNode tokens = signInAndRedeem(Map.of());
        // RFC 7009 §2.2: 200 either way, so the answer tells nothing; but nothing is revoked
        assertThat(post("revoke", null, Map.of("token", tokens.get("refresh_token").asText(), "client_id",
                BURST_SPA)).statusCode()).isEqualTo(200);
        assertThat(post("revoke", null, Map.of("token", tokens.get("access_token").asText(), "client_id",
                BURST_SPA)).statusCode()).isEqualTo(200);
        assertThat(userinfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(200);
        assertThat(refresh(echoClient(), tokens.get("refresh_token").asText(), Map.of()).statusCode())
                .isEqualTo(200);
        // a confidential client cannot pass itself off as public: its client_id alone is not enough
        assertOAuthError(post("revoke", null, Map.of("token", "x", "client_id", "echo")), 401, "invalid_client");
        // a public client that sends a secret is refused, as at /token
        assertOAuthError(post("revoke", null, Map.of("token", "x", "client_id", BURST_SPA, "client_secret", "s")),
                401, "invalid_client");
    }

    // --- item 9: loopback redirect URIs of native apps (RFC 8252 §7.3) ---

    @Test
    void nativeClientLoopbackAnyPortAccepted() {
        for (String redirect : List.of("http://127.0.0.1:51234/cb", "http://[::1]:40001/cb", "http://127.0.0.1/cb")) {
            String verifier = verifier();
            Browser browser = new Browser();
            HttpResponse<String> toLogin = browser.get(Flows.authorize(nativeRequest(redirect, verifier)));
            assertThat(toLogin.statusCode()).as(redirect + ": " + toLogin.body()).isEqualTo(302);
            Map<String, String> callback = signIn(browser, nativeRequest(redirect, verifier));
            HttpResponse<String> redeemed = post("token", null, Map.of("grant_type", "authorization_code",
                    "code", callback.get("code"), "redirect_uri", redirect, "client_id", NATIVE,
                    "code_verifier", verifier));
            assertThat(redeemed.statusCode()).as(redirect + ": " + redeemed.body()).isEqualTo(200);
        }
        // the browser is sent back to the very port the app listens on
        String verifier = verifier();
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(Flows.authorize(
                nativeRequest("http://127.0.0.1:49152/cb", verifier)))));
        HttpResponse<String> back = browser.submit(page, "login", Map.of("login:username", PostgresExtension.DEMO_USER,
                "login:password", PostgresExtension.DEMO_PASSWORD), "login:submit");
        URI location = Browser.location(back);
        assertThat(location.getHost()).isEqualTo("127.0.0.1");
        assertThat(location.getPort()).isEqualTo(49152);
        assertThat(location.getPath()).isEqualTo("/cb");
        // RFC 6749 §4.1.3: at /token the redirect_uri must be the one of the authorization request, port included
        assertOAuthError(post("token", null, Map.of("grant_type", "authorization_code",
                "code", Browser.query(location).get("code"), "redirect_uri", "http://127.0.0.1:49153/cb",
                "client_id", NATIVE, "code_verifier", verifier)), 400, "invalid_grant");
    }

    @Test
    void confidentialWebClientLoopbackOtherPortRefused() {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("client_id", WEB_LOOPBACK);
        request.put("redirect_uri", "http://127.0.0.1:8081/cb");
        assertRefusedWithAPage(request);
        // the registered port works
        request.put("redirect_uri", "http://127.0.0.1:8080/cb");
        assertThat(new Browser().get(Flows.authorize(request)).statusCode()).isEqualTo(302);
    }

    @Test
    void nativeClientNonLoopbackStillExact() {
        String challenge = challenge(verifier());
        for (String redirect : List.of("https://native.example:8443/cb", "https://native.example/cb/",
                "http://localhost:51234/cb", "http://127.0.0.1:51234/cb/../evil", "http://127.0.0.1:51234/other",
                "https://127.0.0.1:51234/cb", "http://127.0.0.1:51234/cb?x=1", "http://127.0.0.1.evil.example:5/cb",
                "http://user@127.0.0.1:51234/cb", "http://127.0.0.1:51234/cb#frag", "http://[::2]:51234/cb",
                "http://127.0.0.1:99999/cb")) {
            Map<String, String> request = new LinkedHashMap<>();
            request.put("client_id", NATIVE);
            request.put("redirect_uri", redirect);
            request.put("code_challenge", challenge);
            request.put("code_challenge_method", "S256");
            assertRefusedWithAPage(request);
        }
        // the exact registered values still work
        String verifier = verifier();
        assertThat(new Browser().get(Flows.authorize(nativeRequest("https://native.example/cb", verifier)))
                .statusCode()).isEqualTo(302);
        assertThat(new Browser().get(Flows.authorize(nativeRequest("http://localhost/cb", verifier)))
                .statusCode()).isEqualTo(302);
    }

    private static void assertRefusedWithAPage(Map<String, String> request) {
        HttpResponse<String> refused = new Browser().get(Flows.authorize(request));
        assertThat(refused.statusCode()).as(request.get("redirect_uri")).isEqualTo(400);
        assertThat(refused.headers().firstValue("Location")).as("never a redirect").isEmpty();
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(refused.body()).contains("redirect_uri");
    }

    private static Map<String, String> nativeRequest(String redirect, String verifier) {
        return Map.of("client_id", NATIVE, "redirect_uri", redirect, "code_challenge", challenge(verifier),
                "code_challenge_method", "S256");
    }

    private static JsonNode redeemAsBurstSpa() {
        String verifier = verifier();
        Map<String, String> callback = signIn(Map.of("client_id", BURST_SPA, "redirect_uri", BURST_REDIRECT,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> redeemed = post("token", null, Map.of("grant_type", "authorization_code", "code",
                callback.get("code"), "redirect_uri", BURST_REDIRECT, "client_id", BURST_SPA, "code_verifier",
                verifier));
        assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
        return json(redeemed);
    }

    private static Client resourceServer(String clientId, String secretHash, List<String> servedClients) {
        return new Client(clientId, "Resource server", secretHash, List.of(), true, Set.of(Client.CLIENT_CREDENTIALS),
                List.of(), null, "RS256", false, false, Client.WEB, servedClients);
    }

    private static Client nativeClient(String clientId, List<URI> redirectUris) {
        return new Client(clientId, "Native app", null, redirectUris, true, Set.of(Client.AUTHORIZATION_CODE),
                List.of(), null, "RS256", false, false, Client.NATIVE, List.of());
    }

    private static HttpResponse<String> refresh(String authorization, String refreshToken, Map<String, String> more) {
        Map<String, String> form = new LinkedHashMap<>(more);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return post("token", authorization, form);
    }

    private static JsonNode introspect(String authorization, String token) {
        HttpResponse<String> response = post("introspect", authorization, Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
