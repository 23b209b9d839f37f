package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product as a newcomer meets it: the launcher's system, a browser with a cookie jar, every hop over real HTTP
 * from the gateway to the provider's login page and back.
 */
class SingleSignOnIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static DevServer system;
    private static String gateway;
    private static String issuer;

    @BeforeAll
    static void start() {
        system = RunningSystem.get();
        gateway = system.options().gateway();
        issuer = system.options().issuer();
    }

    @Test
    void browserWhenSignedInThenGatewayShowsUserAndEchoApiReturnsIdentity() throws Exception {
        Browser browser = new Browser();

        HttpResponse<String> home = browser.get(URI.create(gateway + "/"));
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(Browser.location(home).toString()).isEqualTo(gateway + "/login?return_to=%2F");

        HttpResponse<String> login = browser.get(Browser.location(home));
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = Browser.location(login);
        assertThat(authorize.toString()).startsWith(issuer + "/authorize?");
        assertThat(Browser.query(authorize)).containsKeys("state", "nonce", "code_challenge")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("client_id", DevServer.CLIENT_ID)
                .containsEntry("response_type", "code")
                .containsEntry("redirect_uri", gateway + "/callback");

        HttpResponse<String> callback = signInAtProvider(browser, authorize);
        URI callbackUri = Browser.location(callback);
        assertThat(callbackUri.toString()).startsWith(gateway + "/callback?");
        assertThat(Browser.query(callbackUri)).containsEntry("state", Browser.query(authorize).get("state"))
                .containsEntry("iss", issuer).containsKey("code");

        String sessionBefore = cookie(browser, "ECHOSESSION");
        HttpResponse<String> landed = browser.get(callbackUri);
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(Browser.location(landed).toString()).isEqualTo(gateway + "/");
        assertThat(cookie(browser, "ECHOSESSION")).as("session id rotated at sign-in").isNotEqualTo(sessionBefore);

        HttpResponse<String> page = browser.get(URI.create(gateway + "/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Demo User").contains(DevServer.DEMO_USER);

        HttpResponse<String> echo = browser.get(URI.create(gateway + "/api/echo?x=1"), "Accept", "application/json");
        assertThat(echo.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(echo.body());
        assertThat(body.get("method").asText()).isEqualTo("GET");
        assertThat(body.get("query").asText()).isEqualTo("x=1");
        assertThat(body.get("identity").get("preferred_username").asText()).isEqualTo(DevServer.DEMO_USER);
        assertThat(body.get("identity").get("iss").asText()).isEqualTo(issuer);
        assertThat(body.get("headers").has("cookie")).isFalse();
        // the token stays on the server: the browser holds session cookies only
        assertThat(browser.cookies().getCookieStore().getCookies())
                .allSatisfy(c -> assertThat(c.getValue()).doesNotStartWith("eyJ"));
    }

    @Test
    void apiWhenNoSessionThen401WithChallenge() {
        HttpResponse<String> response = new Browser().get(URI.create(gateway + "/api/echo"),
                "Accept", "application/json");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void callbackWhenStateTamperedThenRefusedAndStillSignedOut() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        URI callback = Browser.location(signInAtProvider(browser, authorize));
        Map<String, String> params = Browser.query(callback);
        URI tampered = URI.create(gateway + "/callback?code=" + enc(params.get("code")) + "&state=forged&iss="
                + enc(issuer));
        HttpResponse<String> refused = browser.get(tampered);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("not valid or has expired");
        assertThat(browser.get(URI.create(gateway + "/")).statusCode()).isEqualTo(302);
    }

    @Test
    void returnToWhenOffSiteThenLandsOnGatewayHome() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login?return_to="
                + enc("//evil.example/steal"))));
        HttpResponse<String> landed = browser.get(Browser.location(signInAtProvider(browser, authorize)));
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(Browser.location(landed).toString()).isEqualTo(gateway + "/");
    }

    @Test
    void returnToWhenSamePathThenLandsThere() {
        Browser browser = new Browser();
        HttpResponse<String> deepLink = browser.get(URI.create(gateway + "/?tab=2"));
        assertThat(deepLink.statusCode()).isEqualTo(302);
        URI authorize = Browser.location(browser.get(Browser.location(deepLink)));
        HttpResponse<String> landed = browser.get(Browser.location(signInAtProvider(browser, authorize)));
        assertThat(Browser.location(landed).toString()).isEqualTo(gateway + "/?tab=2");
    }

    @Test
    void authorizeWhenRedirectUriNotRegisteredThenProviderShowsPageAndDoesNotRedirect() {
        HttpResponse<String> response = new Browser().get(URI.create(issuer + "/authorize?response_type=code"
                + "&client_id=echo&scope=openid&state=s&redirect_uri=" + enc("https://evil.example/callback")));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void logoutWhenSignedInThenProviderSessionEndsToo() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        browser.get(Browser.location(signInAtProvider(browser, authorize)));
        HttpResponse<String> home = browser.get(URI.create(gateway + "/"));
        assertThat(home.statusCode()).isEqualTo(200);

        // a GET of /logout (a cross-site link) only asks: the session lives on
        HttpResponse<String> ask = browser.get(URI.create(gateway + "/logout"));
        assertThat(ask.statusCode()).isEqualTo(200);
        assertThat(ask.body()).contains("Sign out?");
        assertThat(browser.get(URI.create(gateway + "/")).statusCode()).isEqualTo(200);

        // the start page's button (a POST with its token): the gateway revokes its refresh token and sends the
        // browser to the provider's end_session_endpoint
        HttpResponse<String> out = browser.submit(home, "logout", Map.of(), "logout");
        assertThat(out.statusCode()).isEqualTo(302);
        URI endSession = Browser.location(out);
        assertThat(endSession.toString()).startsWith(issuer + "/logout?");
        assertThat(Browser.query(endSession)).containsKeys("id_token_hint", "state")
                .containsEntry("post_logout_redirect_uri", gateway + "/signed-out");

        // the provider ends its session without asking (the hint names the signed-in user) and comes back
        HttpResponse<String> back = browser.get(endSession);
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(Browser.location(back).toString()).isEqualTo(gateway + "/signed-out?state="
                + Browser.query(endSession).get("state"));
        assertThat(browser.get(Browser.location(back)).statusCode()).isEqualTo(200);

        // signed out at both: the next sign-in asks for the password again
        assertThat(browser.get(URI.create(gateway + "/")).statusCode()).isEqualTo(302);
        HttpResponse<String> again = browser.get(Browser.location(browser.get(URI.create(gateway + "/login"))));
        assertThat(Browser.location(again).getPath()).isEqualTo("/identity/login.xhtml");
    }

    @Test
    void backchannelLogoutWhenProviderSessionEndsThenGatewaySessionEnds() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        browser.get(Browser.location(signInAtProvider(browser, authorize)));
        assertThat(browser.get(URI.create(gateway + "/")).statusCode()).isEqualTo(200);

        // the person signs out at the provider directly (no id_token_hint: the provider asks first)
        HttpResponse<String> ask = browser.get(URI.create(issuer + "/logout"));
        assertThat(ask.body()).contains("Do you want to sign out");
        HttpResponse<String> done = browser.submit(ask, "logout", Map.of(), "confirm");
        assertThat(done.body()).contains("You are signed out");

        // the provider POSTs a logout token to the gateway (after its answer: the page never waits for it),
        // which ends the session of that sid
        HttpResponse<String> after = browser.get(URI.create(gateway + "/"));
        for (long deadline = System.nanoTime() + 20_000_000_000L; after.statusCode() == 200
                && System.nanoTime() < deadline; after = browser.get(URI.create(gateway + "/"))) {
            sleep(50);
        }
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(Browser.location(after).getPath()).isEqualTo("/login");
    }

    /** At the provider: authorize, fill in the login form as the demo user, return the redirect to the gateway. */
    static HttpResponse<String> signInAtProvider(Browser browser, URI authorize) {
        HttpResponse<String> toLoginPage = browser.get(authorize);
        assertThat(toLoginPage.statusCode()).as("authorize -> login page").isEqualTo(302);
        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in");
        HttpResponse<String> back = browser.submit(page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).as("login -> client").isEqualTo(302);
        return back;
    }

    private static String cookie(Browser browser, String name) {
        return browser.cookies().getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst().orElse(null);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
