package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.assertOAuthError;
import static dev.echoid.identity.it.Flows.authorize;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.echoClient;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static dev.echoid.identity.it.Flows.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.testkit.Browser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider's single sign-on session (OIDC Core §3.1.2.1 prompt and max_age), RP-initiated logout and
 * back-channel logout, over real HTTP with a browser's cookie jar.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SessionIT {

    private static final String SECOND = "second-app";
    private static final String SECOND_SECRET = "second-secret";
    private static final String SECOND_REDIRECT = "https://second.example/cb";
    private static final String SECOND_BYE = "https://second.example/bye";
    private static final List<String> LOGOUT_TOKENS = new CopyOnWriteArrayList<>();
    // issue 12, item 3: a relying party that takes 30 s to answer, and one that fails until told otherwise
    private static final String SLOW = "slow-backchannel-app"; // not TokenAttacksIT's slow-app: one database serves every IT of this JVM
    private static final String SLOW_REDIRECT = "https://slow.example/cb";
    private static final int SLOW_RP_SECONDS = 30;
    private static final String FAILING = "failing-app";
    private static final String FAILING_REDIRECT = "https://failing.example/cb";
    private static final List<String> FAILING_TOKENS = new CopyOnWriteArrayList<>();
    private static final java.util.concurrent.atomic.AtomicBoolean FAILING_DOWN =
            new java.util.concurrent.atomic.AtomicBoolean(true);
    private static final java.util.concurrent.atomic.AtomicInteger FAILING_ATTEMPTS =
            new java.util.concurrent.atomic.AtomicInteger();
    private static HttpServer backchannel;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerClientWithBackchannelReceiver() throws IOException {
        backchannel = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backchannel.createContext("/backchannel", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            LOGOUT_TOKENS.add(URLDecoder.decode(body.substring("logout_token=".length()), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        backchannel.createContext("/slow", exchange -> {
            try {
                Thread.sleep(SLOW_RP_SECONDS * 1000L);
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException | IOException stopped) {
                // the test is over, or the provider gave up waiting
            } finally {
                exchange.close();
            }
        });
        backchannel.createContext("/failing", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            FAILING_ATTEMPTS.incrementAndGet();
            if (FAILING_DOWN.get()) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                FAILING_TOKENS.add(URLDecoder.decode(body.substring("logout_token=".length()),
                        StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        // the slow receiver sleeps on its own threads, so the others still answer
        backchannel.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-relying-party");
            thread.setDaemon(true);
            return thread;
        }));
        backchannel.start();
        String base = "http://127.0.0.1:" + backchannel.getAddress().getPort();
        URI receiver = URI.create(base + "/backchannel");
        JdbcClients clients = new JdbcClients(PostgresExtension.dataSource());
        clients.createIfAbsent(new Client(SECOND, "Second app",
                PasswordHasher.owaspDefault().hash(SECOND_SECRET), List.of(URI.create(SECOND_REDIRECT)), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN), List.of(URI.create(SECOND_BYE)), receiver,
                "RS256", false));
        clients.createIfAbsent(new Client(SLOW, "Slow app", PasswordHasher.owaspDefault().hash(SECOND_SECRET),
                List.of(URI.create(SLOW_REDIRECT)), true, Set.of(Client.AUTHORIZATION_CODE), List.of(),
                URI.create(base + "/slow"), "RS256", false));
        clients.createIfAbsent(new Client(FAILING, "Failing app", PasswordHasher.owaspDefault().hash(SECOND_SECRET),
                List.of(URI.create(FAILING_REDIRECT)), true, Set.of(Client.AUTHORIZATION_CODE), List.of(),
                URI.create(base + "/failing"), "RS256", false));
    }

    @AfterAll
    static void stopReceiver() {
        backchannel.stop(0);
    }

    @Test
    void authorizeWhenSignedInAtFirstClientThenSecondClientGetsCodeWithoutPassword() {
        Browser browser = new Browser();
        JsonNode first = redeem(signIn(browser, Map.of()), echoClient(), PostgresExtension.REDIRECT_URI);

        HttpResponse<String> direct = browser.get(authorize(second(Map.of())));
        assertThat(direct.statusCode()).isEqualTo(302);
        URI back = Browser.location(direct);
        assertThat(back.toString()).startsWith(SECOND_REDIRECT + "?");
        assertThat(Browser.query(back)).containsKey("code").containsEntry("state", "st-1");
        JsonNode second = redeem(Browser.query(back), basic(SECOND, SECOND_SECRET), SECOND_REDIRECT);

        DecodedJWT a = JWT.decode(first.get("id_token").asText());
        DecodedJWT b = JWT.decode(second.get("id_token").asText());
        assertThat(b.getSubject()).isEqualTo(a.getSubject());
        assertThat(b.getClaim("auth_time").asLong()).as("auth_time is the original sign-in")
                .isEqualTo(a.getClaim("auth_time").asLong());
        assertThat(b.getClaim("sid").asString()).isNotNull().isEqualTo(a.getClaim("sid").asString());
    }

    @Test
    void promptNoneWhenSignedInThenCodeAndWhenNotThenLoginRequired() {
        Browser browser = new Browser();
        signIn(browser, Map.of());
        HttpResponse<String> silent = browser.get(authorize(second(Map.of("prompt", "none"))));
        assertThat(Browser.query(Browser.location(silent))).containsKey("code");

        HttpResponse<String> stranger = new Browser().get(authorize(second(Map.of("prompt", "none"))));
        assertThat(Browser.query(Browser.location(stranger))).containsEntry("error", "login_required")
                .containsEntry("state", "st-1").doesNotContainKey("code");
    }

    @Test
    void promptLoginWhenSignedInThenLoginPageAndNewerAuthTime() throws Exception {
        Browser browser = new Browser();
        long before = JWT.decode(redeem(signIn(browser, Map.of()), echoClient(), PostgresExtension.REDIRECT_URI)
                .get("id_token").asText()).getClaim("auth_time").asLong();
        Thread.sleep(1100); // auth_time has a one-second resolution
        HttpResponse<String> again = browser.get(authorize(Map.of("prompt", "login")));
        assertThat(Browser.location(again).getPath()).endsWith("/login.xhtml");
        long after = JWT.decode(redeem(signIn(browser, Map.of("prompt", "login")), echoClient(),
                PostgresExtension.REDIRECT_URI).get("id_token").asText()).getClaim("auth_time").asLong();
        assertThat(after).isGreaterThan(before);
    }

    @Test
    void maxAgeWhenAuthenticationOlderThenLoginPageAndWhenRecentThenCode() throws Exception {
        Browser browser = new Browser();
        String sid = JWT.decode(redeem(signIn(browser, Map.of()), echoClient(), PostgresExtension.REDIRECT_URI)
                .get("id_token").asText()).getClaim("sid").asString();
        assertThat(Browser.query(Browser.location(browser.get(authorize(Map.of("max_age", "3600"))))))
                .containsKey("code");
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "UPDATE sso_session SET auth_time = now() - interval '2 minutes' WHERE id = ?::uuid")) {
            statement.setString(1, sid);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
        HttpResponse<String> stale = browser.get(authorize(Map.of("max_age", "60")));
        assertThat(Browser.location(stale).getPath()).endsWith("/login.xhtml");
        HttpResponse<String> silentStale = browser.get(authorize(Map.of("max_age", "60", "prompt", "none")));
        assertThat(Browser.query(Browser.location(silentStale))).containsEntry("error", "login_required");
    }

    @Test
    void endSessionWhenIdTokenHintAndRegisteredRedirectThenSignedOutEverywhereAndBackchannelSent()
            throws Exception {
        Browser browser = new Browser();
        JsonNode echoTokens = redeem(signIn(browser, Map.of()), echoClient(), PostgresExtension.REDIRECT_URI);
        JsonNode secondTokens = redeem(Browser.query(Browser.location(browser.get(authorize(second(Map.of()))))),
                basic(SECOND, SECOND_SECRET), SECOND_REDIRECT);
        String idToken = secondTokens.get("id_token").asText();
        String sid = JWT.decode(idToken).getClaim("sid").asString();
        LOGOUT_TOKENS.clear();

        HttpResponse<String> out = browser.get(URI.create(Flows.endpoint("logout") + "?" + Browser.formEncode(Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", SECOND_BYE, "state", "bye-1"))));
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(Browser.location(out).toString()).isEqualTo(SECOND_BYE + "?state=bye-1");

        // the provider session is gone: a new authorization asks for the password again
        assertThat(Browser.location(browser.get(authorize(Map.of()))).getPath()).endsWith("/login.xhtml");
        // the session's (online) grants ended with it
        assertOAuthError(post("token", echoClient(), Map.of("grant_type", "refresh_token",
                "refresh_token", echoTokens.get("refresh_token").asText())), 400, "invalid_grant");
        // back-channel: a logout token for the client that registered a URI (delivered after the answer)
        awaitTrue("the logout token reached the relying party", () -> LOGOUT_TOKENS.size() >= 1);
        assertThat(LOGOUT_TOKENS).hasSize(1);
        DecodedJWT logoutToken = JWT.decode(LOGOUT_TOKENS.get(0));
        assertThat(logoutToken.getType()).isEqualTo("logout+jwt");
        assertThat(logoutToken.getIssuer()).isEqualTo(Flows.issuer().toString());
        assertThat(logoutToken.getAudience()).containsExactly(SECOND);
        assertThat(logoutToken.getClaim("sid").asString()).isEqualTo(sid);
        assertThat(logoutToken.getClaim("events").asMap())
                .containsKey("http://schemas.openid.net/event/backchannel-logout");
        assertThat(logoutToken.getClaim("nonce").isMissing()).isTrue();
        assertThat(logoutToken.getId()).isNotBlank();
    }

    @Test
    void endSessionWhenRedirectNotRegisteredThenPageAndNoRedirect() {
        Browser browser = new Browser();
        String idToken = redeem(signIn(browser, Map.of()), echoClient(), PostgresExtension.REDIRECT_URI)
                .get("id_token").asText();
        HttpResponse<String> out = browser.get(URI.create(Flows.endpoint("logout") + "?" + Browser.formEncode(Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", "https://evil.example/"))));
        assertThat(out.statusCode()).isEqualTo(400);
        assertThat(out.headers().firstValue("Location")).isEmpty();
        // nothing was ended
        assertThat(Browser.query(Browser.location(browser.get(authorize(Map.of("prompt", "none"))))))
                .containsKey("code");
    }

    @Test
    void endSessionWhenNoHintThenConfirmationWithCsrfToken() {
        Browser browser = new Browser();
        signIn(browser, Map.of());
        HttpResponse<String> ask = browser.get(Flows.endpoint("logout"));
        assertThat(ask.statusCode()).isEqualTo(200);
        assertThat(ask.body()).contains("Do you want to sign out");

        // a forged cross-site POST without the page's token does not sign out; it asks again
        HttpResponse<String> forged = browser.postForm(Flows.endpoint("logout"), Map.of("confirm", "Sign out"));
        assertThat(forged.body()).contains("Do you want to sign out");
        assertThat(Browser.query(Browser.location(browser.get(authorize(Map.of("prompt", "none"))))))
                .containsKey("code");

        HttpResponse<String> confirmed = browser.submit(browser.get(Flows.endpoint("logout")), "logout", Map.of(),
                "confirm");
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("You are signed out");
        assertThat(Browser.query(Browser.location(browser.get(authorize(Map.of("prompt", "none"))))))
                .containsEntry("error", "login_required");
    }

    @Test
    void endSessionWhenHintForgedThenRefused() {
        HttpResponse<String> out = new Browser().get(URI.create(Flows.endpoint("logout") + "?id_token_hint="
                + "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assertThat(out.statusCode()).isEqualTo(400);
    }

    @Test
    void ssoCookieWhenSetThenHttpOnlyAndSameSiteLax() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
        HttpResponse<String> back = browser.submit(page, "login", Map.of("login:username", PostgresExtension.DEMO_USER,
                "login:password", PostgresExtension.DEMO_PASSWORD), "login:submit");
        assertThat(back.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("IDENTITY_SSO=").contains("HttpOnly").containsIgnoringCase("SameSite=Lax"));
    }

    @Test
    void secondUserSigningInOnSameBrowserEndsFirstUsersSession() throws Exception {
        Browser browser = new Browser();
        // the first user signs in to a client that takes back-channel logout, with an online grant
        JsonNode first = redeem(signIn(browser, second(Map.of())), basic(SECOND, SECOND_SECRET), SECOND_REDIRECT);
        DecodedJWT firstId = JWT.decode(first.get("id_token").asText());
        String firstSid = firstId.getClaim("sid").asString();
        LOGOUT_TOKENS.clear();

        // someone else signs in on the same browser
        String other = "other-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String otherPassword = "another long test password";
        new dev.echoid.identity.store.JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(
                new dev.echoid.identity.store.User(java.util.UUID.randomUUID(), other,
                        PasswordHasher.owaspDefault().hash(otherPassword), other, other + "@example.com", true,
                        true));
        HttpResponse<String> login = browser.get(Browser.location(browser.get(authorize(Map.of("prompt", "login")))));
        HttpResponse<String> back = browser.submit(login, "login", Map.of("login:username", other,
                "login:password", otherPassword), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        String otherSub = JWT.decode(redeem(Browser.query(Browser.location(back)), echoClient(),
                PostgresExtension.REDIRECT_URI).get("id_token").asText()).getSubject();
        assertThat(otherSub).isNotEqualTo(firstId.getSubject());

        // the first user's online grant ended with their session
        assertOAuthError(post("token", basic(SECOND, SECOND_SECRET), Map.of("grant_type", "refresh_token",
                "refresh_token", first.get("refresh_token").asText())), 400, "invalid_grant");
        // their client was told over the back channel, for their session (delivered after the answer)
        awaitTrue("the logout token reached the relying party", () -> LOGOUT_TOKENS.size() >= 1);
        assertThat(LOGOUT_TOKENS).hasSize(1);
        DecodedJWT logoutToken = JWT.decode(LOGOUT_TOKENS.get(0));
        assertThat(logoutToken.getAudience()).containsExactly(SECOND);
        assertThat(logoutToken.getClaim("sid").asString()).isEqualTo(firstSid);
        assertThat(logoutToken.getSubject()).isEqualTo(firstId.getSubject());
        // the SSO cookie now names the new user's session: a silent sign-in is the second user, never the first
        String silentCode = Browser.query(Browser.location(browser.get(authorize(second(Map.of("prompt", "none"))))))
                .get("code");
        assertThat(JWT.decode(redeem(Map.of("code", silentCode), basic(SECOND, SECOND_SECRET), SECOND_REDIRECT)
                .get("id_token").asText()).getSubject()).isEqualTo(otherSub);
        // the audit trail says the first session ended, and that its client was told (once it was)
        awaitTrue("the delivery is in the audit trail", () -> !logoutAudit(firstId.getSubject()).isEmpty()
                && logoutAudit(firstId.getSubject()).stream().anyMatch(row -> row.startsWith(SECOND + " success")));
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT client_id, outcome, detail "
                        + "FROM audit_event WHERE event_type = 'LOGOUT' AND user_id = ?::uuid AND id > (SELECT "
                        + "max(id) FROM audit_event WHERE event_type = 'CODE_REDEEMED' AND user_id = ?::uuid)")) {
            statement.setString(1, firstId.getSubject());
            statement.setString(2, firstId.getSubject());
            List<String> rows = new java.util.ArrayList<>();
            try (java.sql.ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1) + " " + row.getString(2) + " " + row.getString(3));
                }
            }
            assertThat(rows).anySatisfy(row -> assertThat(row).startsWith("null success sso session " + firstSid
                    + " ended"));
            assertThat(rows).anySatisfy(row -> assertThat(row).startsWith(SECOND + " success back-channel logout"));
        }
    }

    @Test
    void logoutWhenAClientsReceiverTakesThirtySecondsThenThePageAnswersAtOnceAndTheOthersAreTold()
            throws Exception {
        Browser browser = new Browser();
        JsonNode secondTokens = redeem(signIn(browser, second(Map.of())), basic(SECOND, SECOND_SECRET),
                SECOND_REDIRECT);
        // the same session signs in to the slow client too
        assertThat(Browser.query(Browser.location(browser.get(authorize(client(SLOW, SLOW_REDIRECT))))))
                .containsKey("code");
        String idToken = secondTokens.get("id_token").asText();
        String sid = JWT.decode(idToken).getClaim("sid").asString();

        long started = System.nanoTime();
        HttpResponse<String> out = browser.get(URI.create(Flows.endpoint("logout") + "?" + Browser.formEncode(Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", SECOND_BYE, "state", "bye-slow"))));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(Browser.location(out).toString()).isEqualTo(SECOND_BYE + "?state=bye-slow");
        // the page never waits for a delivery: far below the slow receiver's 30 s (and below the old 5 s wait)
        assertThat(tookMillis).as("logout page answered in %d ms", tookMillis).isLessThan(2_500);
        // the healthy client is told all the same, while the slow one still sleeps
        awaitTrue("the healthy client got its logout token", () -> LOGOUT_TOKENS.stream()
                .anyMatch(token -> sid.equals(JWT.decode(token).getClaim("sid").asString())));
    }

    @Test
    void logoutWhenAClientAlwaysFailsThenDeadLetteredInMetricsAndAdminApiAndRetriedByTheOperator()
            throws Exception {
        FAILING_DOWN.set(true);
        Browser browser = new Browser();
        JsonNode secondTokens = redeem(signIn(browser, second(Map.of())), basic(SECOND, SECOND_SECRET),
                SECOND_REDIRECT);
        assertThat(Browser.query(Browser.location(browser.get(authorize(client(FAILING, FAILING_REDIRECT))))))
                .containsKey("code");
        String idToken = secondTokens.get("id_token").asText();
        String sid = JWT.decode(idToken).getClaim("sid").asString();
        int attemptsBefore = FAILING_ATTEMPTS.get();

        HttpResponse<String> out = browser.get(URI.create(Flows.endpoint("logout") + "?" + Browser.formEncode(Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", SECOND_BYE))));
        assertThat(out.statusCode()).isEqualTo(302);

        // retried with backoff (the tests' settings: 4 attempts), then dead-lettered: the admin API lists it
        awaitTrue("the failing client's entry is dead-lettered", () -> outboxEntry("dead", sid, FAILING) != null);
        JsonNode dead = outboxEntry("dead", sid, FAILING);
        assertThat(dead.get("attempts").asInt()).isEqualTo(PostgresExtension.BACKCHANNEL_MAX_ATTEMPTS);
        assertThat(FAILING_ATTEMPTS.get() - attemptsBefore).isEqualTo(PostgresExtension.BACKCHANNEL_MAX_ATTEMPTS);
        assertThat(dead.get("last_error").asText()).contains("503");
        assertThat(dead.get("backchannel_logout_uri").asText()).endsWith("/failing");
        assertThat(dead.has("logout_token")).as("no token is kept").isFalse();
        // and the metrics show it: this node's dead letters, and the dead rows of all nodes
        awaitTrue("the metrics count the dead letter", () -> metric(
                "echoid_backchannel_logout_outbox_rows{state=\"dead\"}") >= 1);
        assertThat(metric("echoid_backchannel_logout_deliveries_total{outcome=\"dead\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric("echoid_backchannel_logout_deliveries_total{outcome=\"retried\"}"))
                .isGreaterThanOrEqualTo(3);

        // without the admin token, no retry
        HttpResponse<String> anonymous = new Browser().postForm(
                Flows.endpoint("admin/backchannel-logout/" + dead.get("id").asText() + "/retry"), Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        // a malformed or unknown id: a clear OAuth error, never a 500
        assertOAuthError(admin("POST", "admin/backchannel-logout/not-a-uuid/retry"), 400, "invalid_request");
        assertOAuthError(admin("POST", "admin/backchannel-logout/" + java.util.UUID.randomUUID() + "/retry"), 404,
                "not_found");
        assertOAuthError(admin("GET", "admin/backchannel-logout?state=lost"), 400, "invalid_request");

        // the receiver is repaired; the operator retries the dead letter and it is delivered
        FAILING_DOWN.set(false);
        HttpResponse<String> retried = admin("POST", "admin/backchannel-logout/" + dead.get("id").asText()
                + "/retry");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(json(retried).get("state").asText()).isEqualTo("pending");
        awaitTrue("the retried logout token arrived", () -> FAILING_TOKENS.stream()
                .anyMatch(token -> sid.equals(JWT.decode(token).getClaim("sid").asString())));
        DecodedJWT delivered = JWT.decode(FAILING_TOKENS.stream()
                .filter(token -> sid.equals(JWT.decode(token).getClaim("sid").asString())).findFirst().orElseThrow());
        assertThat(delivered.getAudience()).containsExactly(FAILING);
        // minted at delivery: valid when it arrives, however late
        assertThat(delivered.getExpiresAt()).isAfter(new java.util.Date());
        awaitTrue("the entry is delivered", () -> outboxEntry("delivered", sid, FAILING) != null);
        assertThat(outboxEntry("dead", sid, FAILING)).isNull();
        // a delivered entry is not retried again
        assertOAuthError(admin("POST", "admin/backchannel-logout/" + dead.get("id").asText() + "/retry"), 404,
                "not_found");
    }

    private static Map<String, String> client(String clientId, String redirectUri) {
        return Map.of("client_id", clientId, "redirect_uri", redirectUri);
    }

    private static HttpResponse<String> admin(String method, String path) {
        try {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(Flows.endpoint(path))
                    .header("Authorization", "Bearer " + PostgresExtension.ADMIN_TOKEN);
            request = "POST".equals(method) ? request.POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    : request.GET();
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The admin API's entry of the outbox for this session and client in {@code state}, or null. */
    private static JsonNode outboxEntry(String state, String sid, String clientId) {
        HttpResponse<String> list = admin("GET", "admin/backchannel-logout?state=" + state);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        for (JsonNode entry : json(list).get("entries")) {
            if (sid.equals(entry.get("sid").asText()) && clientId.equals(entry.get("client_id").asText())) {
                assertThat(entry.get("state").asText()).isEqualTo(state);
                return entry;
            }
        }
        return null;
    }

    /** One sample of the Prometheus text, or -1 when absent. */
    private static double metric(String series) {
        HttpResponse<String> metrics = new Browser().get(Flows.endpoint("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .findFirst().orElse(-1);
    }

    private static List<String> logoutAudit(String userId) {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT client_id, outcome, detail "
                        + "FROM audit_event WHERE event_type = 'LOGOUT' AND user_id = ?::uuid AND client_id IS NOT NULL")) {
            statement.setString(1, userId);
            List<String> rows = new java.util.ArrayList<>();
            try (java.sql.ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1) + " " + row.getString(2) + " " + row.getString(3));
                }
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (at most 20 s) for something the provider does after its answer. */
    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Map<String, String> second(Map<String, String> more) {
        Map<String, String> params = new java.util.LinkedHashMap<>(Map.of("client_id", SECOND,
                "redirect_uri", SECOND_REDIRECT));
        params.putAll(more);
        return params;
    }

    private static JsonNode redeem(Map<String, String> callback, String authorization, String redirectUri) {
        HttpResponse<String> response = post("token", authorization, Map.of("grant_type", "authorization_code",
                "code", callback.get("code"), "redirect_uri", redirectUri));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }
}
