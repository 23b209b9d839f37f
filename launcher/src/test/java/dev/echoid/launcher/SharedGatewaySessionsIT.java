package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.testkit.Browser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes sharing their sessions in PostgreSQL ({@code ECHO_SESSION_STORE=jdbc}): the launcher's system
 * (provider and gateway A) and a second gateway node B on the same provider and database. A session made on one node
 * is served by the other, and the store gives an attacker nothing: a guessed or forged cookie, the id a session had
 * before sign-in, the hash a stolen table holds, an expired row.
 */
class SharedGatewaySessionsIT {

    private static final String COOKIE = "ECHOSESSION";
    private static EmbeddedPostgres postgres;
    private static DevServer system;
    private static ClusterNode gatewayB;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        Map<String, String> shared = Map.of("ECHO_SESSION_STORE", "jdbc", "ECHO_SESSION_DB_URL", url,
                "ECHO_SESSION_DB_USER", "postgres", "ECHO_SESSION_DB_PASSWORD", "postgres");
        DevServer.Options fresh = RunningSystem.freshOptions(RunningSystem.temporaryDirectory(), shared);
        system = DevServer.start(new DevServer.Options(fresh.host(), fresh.identityPort(), fresh.echoPort(),
                fresh.dataDirectory(), fresh.webapps(), Optional.of(url), Optional.of("postgres"),
                Optional.of("postgres"), fresh.settings()));
        Map<String, String> b = new HashMap<>(shared);
        b.put("ECHO_ISSUER", system.options().issuer());
        b.put("ECHO_CLIENT_ID", DevServer.CLIENT_ID);
        b.put("ECHO_CLIENT_SECRET", system.clientSecret());
        // the one registered redirect URI: behind a load balancer both nodes answer at that address
        b.put("ECHO_REDIRECT_URI", system.options().gateway() + "/callback");
        b.put("ECHO_DEV_MODE", "true");
        gatewayB = ClusterNode.start("gateway-b", ClusterNode.Kind.ECHO, RunningSystem.freePort(), b);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gatewayB != null) {
            gatewayB.close();
        }
        if (system != null) {
            system.close();
        }
        postgres.close();
    }

    @Test
    void sessionWhenSignedInThroughOneNodeThenTheOtherNodeServesIt() {
        Browser browser = signedIn();
        assertThat(echo(browser, gatewayB.base()).statusCode()).isEqualTo(200);
        assertThat(echo(browser, gateway()).statusCode()).isEqualTo(200);
        assertThat(browser.get(URI.create(gatewayB.base() + "/")).body()).contains(DevServer.DEMO_USER);
    }

    @Test
    void sessionCookieWhenSharedThenFlaggedAsTheSessionConfigSays() {
        HttpResponse<String> login = new Browser().get(URI.create(gatewayB.base() + "/login"));
        String setCookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(COOKIE + "="))
                .findFirst().orElseThrow();
        // dev mode: not Secure (outside it, GatewayStartup marks the session cookie Secure)
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
        assertThat(setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'))).matches("[A-Za-z0-9_-]{43}");
        assertThat(login.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSIONID"));
    }

    @Test
    void guessedSessionCookieGainsNothing() {
        signedIn();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        for (String forged : new String[] {Base64.getUrlEncoder().withoutPadding().encodeToString(random), "x",
                "' OR 1=1 --", "A".repeat(43), "A".repeat(4000)}) {
            Browser attacker = withCookie(forged);
            assertThat(echo(attacker, gateway()).statusCode()).as(forged).isEqualTo(401);
            assertThat(echo(attacker, gatewayB.base()).statusCode()).as(forged).isEqualTo(401);
        }
    }

    @Test
    void hashFromAStolenSessionTableIsNoCookie() throws Exception {
        Browser victim = signedIn();
        byte[] idHash = sha256(cookie(victim));
        assertThat(rowExists(idHash)).isTrue();
        Browser attacker = withCookie(Base64.getUrlEncoder().withoutPadding().encodeToString(idHash));
        assertThat(echo(attacker, gateway()).statusCode()).isEqualTo(401);
        assertThat(echo(attacker, gatewayB.base()).statusCode()).isEqualTo(401);
        // the table holds no cookie value, only hashes
        assertThat(rowExists(cookie(victim).getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void sessionIdFromBeforeSignInIsNotValidAfterSignIn() throws Exception {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway() + "/login")));
        String planted = cookie(browser); // the id an attacker could have fixed in the victim's browser
        assertThat(planted).isNotNull();
        assertThat(rowExists(sha256(planted))).as("the pending sign-in is shared too").isTrue();
        browser.get(Browser.location(SingleSignOnIT.signInAtProvider(browser, authorize)));
        assertThat(cookie(browser)).isNotEqualTo(planted);
        assertThat(echo(browser, gatewayB.base()).statusCode()).isEqualTo(200);

        Browser attacker = withCookie(planted);
        assertThat(echo(attacker, gateway()).statusCode()).isEqualTo(401);
        assertThat(echo(attacker, gatewayB.base()).statusCode()).isEqualTo(401);
        assertThat(rowExists(sha256(planted))).isFalse();
    }

    @Test
    void expiredRowIsRefusedByEveryNode() throws Exception {
        Browser browser = signedIn();
        byte[] idHash = sha256(cookie(browser));
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                "UPDATE echo_gateway.session SET expires_at = now() - interval '1 second' WHERE id_hash = ?")) {
            s.setBytes(1, idHash);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        assertThat(echo(browser, gatewayB.base()).statusCode()).isEqualTo(401);
        assertThat(echo(browser, gateway()).statusCode()).isEqualTo(401);
        // refused, not deleted by reading: each node's purge deletes it (JdbcSessionStoreTest)
        assertThat(rowExists(idHash)).isTrue();
    }

    @Test
    void logoutOnOneNodeDeletesTheRowSoTheOtherNodeRefusesTheCookie() throws Exception {
        Browser browser = signedIn();
        byte[] idHash = sha256(cookie(browser));
        HttpResponse<String> home = browser.get(URI.create(gatewayB.base() + "/"));
        HttpResponse<String> out = browser.submit(home, URI.create(gatewayB.base() + "/logout"), "logout", Map.of(),
                "logout");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(rowExists(idHash)).isFalse();
        assertThat(echo(browser, gateway()).statusCode()).isEqualTo(401);
    }

    @Test
    void backchannelLogoutReachingOneNodeEndsTheSessionOnEveryNode() throws Exception {
        Browser browser = signedIn();
        byte[] idHash = sha256(cookie(browser));
        assertThat(echo(browser, gatewayB.base()).statusCode()).isEqualTo(200);
        // sign out at the provider: its logout token goes to gateway A (the registered back-channel URI)
        HttpResponse<String> ask = browser.get(URI.create(system.options().issuer() + "/logout"));
        HttpResponse<String> done = browser.submit(ask, "logout", Map.of(), "confirm");
        assertThat(done.body()).contains("You are signed out");
        // the logout token is delivered after the provider's answer (its outbox): the page never waits for it
        for (long deadline = System.nanoTime() + 20_000_000_000L; rowExists(idHash)
                && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
        }
        assertThat(rowExists(idHash)).isFalse();
        assertThat(echo(browser, gatewayB.base()).statusCode()).isEqualTo(401);
    }

    // --- helpers ---

    private static String gateway() {
        return system.options().gateway();
    }

    /** A browser signed in through gateway A. */
    private static Browser signedIn() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway() + "/login")));
        HttpResponse<String> landed = browser.get(Browser.location(SingleSignOnIT.signInAtProvider(browser,
                authorize)));
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(echo(browser, gateway()).statusCode()).isEqualTo(200);
        return browser;
    }

    private static HttpResponse<String> echo(Browser browser, String base) {
        return browser.get(URI.create(base + "/api/echo"), "Accept", "application/json");
    }

    private static Browser withCookie(String value) {
        Browser browser = new Browser();
        HttpCookie cookie = new HttpCookie(COOKIE, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        browser.cookies().getCookieStore().add(URI.create("http://localhost/"), cookie);
        return browser;
    }

    private static String cookie(Browser browser) {
        return browser.cookies().getCookieStore().getCookies().stream().filter(c -> c.getName().equals(COOKIE))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    private static byte[] sha256(String value) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Connection connection() throws Exception {
        return postgres.getPostgresDatabase().getConnection();
    }

    private static boolean rowExists(byte[] idHash) throws Exception {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM echo_gateway.session WHERE id_hash = ?")) {
            s.setBytes(1, idHash);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

}
