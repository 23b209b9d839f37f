package dev.echoid.echo.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built {@code echo-war.war} in embedded Tomcat 11, driven over real HTTP against the
 * {@link StubOpenIdProvider}. Redirects are never followed automatically: every hop is asserted.
 */
@ExtendWith({StubProviderExtension.class, ArquillianExtension.class})
@RunAsClient
class EchoGatewayIT {

    private static final String CTX = StubProviderExtension.CONTEXT_PATH;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ArquillianResource
    private URL deployment;

    private StubOpenIdProvider stub;
    private CookieManager cookies;
    private HttpClient browser;

    @Deployment(testable = false)
    static WebArchive echoWar() {
        StubProviderExtension.start();
        File war = new File(System.getProperty("echo.it.war", "target/echo-war.war"));
        return ShrinkWrap.create(ZipImporter.class, "echo-war.war").importFrom(war).as(WebArchive.class);
    }

    @BeforeEach
    void newBrowser() {
        stub = StubProviderExtension.stub();
        stub.reset();
        cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        browser = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Test
    void rootWhenBrowserNotSignedInThenRedirectedToLogin() throws Exception {
        HttpResponse<String> response = get(app("/"), "text/html,application/xhtml+xml");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(location(response)).isEqualTo(CTX + "/login?return_to=%2F");
    }

    @Test
    void deepLinkWhenBrowserNotSignedInThenPathAndQueryRemembered() throws Exception {
        HttpResponse<String> response = get(app("/somewhere/else?x=1&y=2"), "text/html");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(location(response)).isEqualTo(CTX + "/login?return_to="
                + URLEncoder.encode("/somewhere/else?x=1&y=2", StandardCharsets.UTF_8));
    }

    @Test
    void apiWhenJsonClientNotSignedInThen401WithChallenge() throws Exception {
        HttpResponse<String> response = get(app("/api/echo"), "application/json");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"echo\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("login_required");
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void pageWhenXRequestedWithAndNotSignedInThen401() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(app("/"))
                .header("Accept", "text/html").header("X-Requested-With", "XMLHttpRequest").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"echo\"");
    }

    @Test
    void healthWhenNotSignedInThenUp() throws Exception {
        HttpResponse<String> response = get(app("/health/live"), "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void signInWhenHappyPathThenUserShownAndApiEchoesIdentity() throws Exception {
        // 1. The gateway sends the browser to the provider with a PKCE authorization request.
        HttpResponse<String> login = get(app("/login?return_to=%2F"), "text/html");
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = URI.create(location(login));
        assertThat(authorize.toString()).startsWith(stub.issuer() + "/authorize?tenant=stub&");
        assertThat(login.headers().firstValue("Cache-Control")).contains("no-store");
        String preLoginSession = sessionCookie().orElseThrow().getValue();
        assertThat(sessionCookieHeader(login)).contains("HttpOnly").containsIgnoringCase("SameSite=Lax")
                .doesNotContain("Secure");

        // 2. The stub provider redirects back with a code.
        HttpResponse<String> provider = get(authorize, "text/html");
        assertThat(provider.statusCode()).isEqualTo(302);
        Map<String, String> sent = stub.lastAuthorizeCall().parameters();
        assertThat(sent).containsEntry("response_type", "code")
                .containsEntry("client_id", StubOpenIdProvider.CLIENT_ID)
                .containsEntry("redirect_uri", "http://localhost:" + deployment.getPort() + CTX + "/callback")
                .containsEntry("scope", "openid profile email")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("tenant", "stub");
        assertThat(sent.get("state")).hasSizeGreaterThanOrEqualTo(22);
        assertThat(sent.get("nonce")).hasSizeGreaterThanOrEqualTo(22);
        assertThat(sent.get("code_challenge")).hasSize(43);

        // 3. The callback redeems the code, rotates the session id and returns to where the user was going.
        HttpResponse<String> callback = get(URI.create(location(provider)), "text/html");
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(location(callback)).isEqualTo(CTX + "/");
        assertThat(stub.tokenFailures()).isEmpty();
        assertThat(stub.tokenCalls()).isEqualTo(1);
        assertThat(sessionCookie().orElseThrow().getValue()).isNotEqualTo(preLoginSession);

        // 4. The start page shows the user, escaped, with the protective headers.
        HttpResponse<String> home = get(app("/"), "text/html");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Ada &quot;&lt;b&gt;Lovelace&lt;/b&gt;&quot; &amp; Co")
                .doesNotContain("<b>Lovelace</b>")
                .contains(StubOpenIdProvider.SUBJECT).contains("ada@example.org").contains(stub.issuer());
        assertProtectiveHtmlHeaders(home);

        // 5. The echo API answers with the request and the identity, never the session cookie.
        HttpResponse<String> echo = send(HttpRequest.newBuilder(app("/api/echo/things?x=1"))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer should-not-echo")
                .header("X-Trace", "t-1")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"hello\":\"wörld\"}")));
        assertThat(echo.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(echo.body());
        assertThat(json.path("method").asText()).isEqualTo("PATCH");
        assertThat(json.path("path").asText()).isEqualTo(CTX + "/api/echo/things");
        assertThat(json.path("query").asText()).isEqualTo("x=1");
        assertThat(json.path("body").asText()).isEqualTo("{\"hello\":\"wörld\"}");
        assertThat(json.path("headers").path("x-trace").asText()).isEqualTo("t-1");
        assertThat(json.path("headers").has("cookie")).isFalse();
        assertThat(json.path("headers").has("authorization")).isFalse();
        assertThat(echo.body()).doesNotContain("ECHOSESSION").doesNotContain("should-not-echo");
        JsonNode identity = json.path("identity");
        assertThat(identity.path("sub").asText()).isEqualTo(StubOpenIdProvider.SUBJECT);
        assertThat(identity.path("name").asText()).isEqualTo(StubOpenIdProvider.USER_NAME);
        assertThat(identity.path("preferred_username").asText()).isEqualTo("ada");
        assertThat(identity.path("email").asText()).isEqualTo("ada@example.org");
        assertThat(identity.path("iss").asText()).isEqualTo(stub.issuer());
        assertThat(identity.path("exp").asLong()).isPositive();
    }

    @Test
    void signInWhenReturnToDeepLinkThenLandsThere() throws Exception {
        HttpResponse<String> callback = signIn("/api/echo?a=b");

        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(location(callback)).isEqualTo(CTX + "/api/echo?a=b");
    }

    @Test
    void signInWhenReturnToOffSiteThenLandsOnAppRoot() throws Exception {
        HttpResponse<String> callback = signIn("//evil.example");

        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(location(callback)).isEqualTo(CTX + "/");
    }

    @Test
    void callbackWhenStateWrongThen400AndNoTokenExchange() throws Exception {
        HttpResponse<String> login = get(app("/login"), "text/html");
        get(URI.create(location(login)), "text/html");
        String code = StubOpenIdProvider.form(URI.create(location(login)).getRawQuery()).get("state");
        assertThat(code).isNotBlank();

        HttpResponse<String> callback = get(app("/callback?code=some-code&state=not-the-state"), "text/html");

        assertThat(callback.statusCode()).isEqualTo(400);
        assertThat(callback.body()).contains("This sign-in attempt is not valid or has expired");
        assertProtectiveHtmlHeaders(callback);
        assertThat(stub.tokenCalls()).isZero();
        assertThat(get(app("/"), "text/html").statusCode()).isEqualTo(302);
    }

    @Test
    void callbackWhenNoSessionThen400AndNoTokenExchange() throws Exception {
        HttpResponse<String> callback = get(app("/callback?code=c&state=s"), "text/html");

        assertThat(callback.statusCode()).isEqualTo(400);
        assertThat(stub.tokenCalls()).isZero();
    }

    @Test
    void callbackWhenProviderErrorThenReadablePageWithPayloadEscaped() throws Exception {
        HttpResponse<String> login = get(app("/login"), "text/html");
        String state = StubOpenIdProvider.form(URI.create(location(login)).getRawQuery()).get("state");
        String payload = "<script>alert(1)</script>";

        HttpResponse<String> callback = get(app("/callback?error=access_denied&error_description="
                + URLEncoder.encode(payload, StandardCharsets.UTF_8) + "&state=" + state), "text/html");

        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("access_denied")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>")
                .contains(CTX + "/login");
        assertProtectiveHtmlHeaders(callback);
        assertThat(stub.tokenCalls()).isZero();
    }

    @Test
    void callbackWhenProviderErrorForUnknownStateThenDescriptionNotShown() throws Exception {
        HttpResponse<String> callback = get(app("/callback?error=server_error&error_description="
                + URLEncoder.encode("Call +1 555 0100 to unlock your account", StandardCharsets.UTF_8)), "text/html");

        assertThat(callback.statusCode()).isEqualTo(400);
        assertThat(callback.body()).contains("server_error").doesNotContain("555 0100");
    }

    @Test
    void callbackWhenIdTokenNonceWrongThenRefusedAndNotSignedIn() throws Exception {
        stub.issueWrongNonce("not-the-nonce-we-sent");

        HttpResponse<String> callback = signIn("/");

        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("could not be verified").doesNotContain("NONCE");
        assertThat(stub.tokenCalls()).isEqualTo(1);
        HttpResponse<String> home = get(app("/"), "text/html");
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(location(home)).startsWith(CTX + "/login");
    }

    @Test
    void callbackWhenCodeReplayedThenRefused() throws Exception {
        HttpResponse<String> login = get(app("/login"), "text/html");
        HttpResponse<String> provider = get(URI.create(location(login)), "text/html");
        URI callbackUri = URI.create(location(provider));
        assertThat(get(callbackUri, "text/html").statusCode()).isEqualTo(302);

        HttpResponse<String> replay = get(callbackUri, "text/html");

        assertThat(replay.statusCode()).as("the state was single use").isEqualTo(400);
        assertThat(stub.tokenCalls()).isEqualTo(1);
    }

    @Test
    void logoutWhenSignedInThenNextRequestRedirectedToLogin() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        assertThat(get(app("/"), "text/html").statusCode()).isEqualTo(200);

        HttpResponse<String> logout = get(app("/logout"), "text/html");

        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.body()).contains("signed out").contains(CTX + "/login");
        assertProtectiveHtmlHeaders(logout);
        HttpResponse<String> after = get(app("/"), "text/html");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(location(after)).isEqualTo(CTX + "/login?return_to=%2F");
    }

    @Test
    void apiWhenBodyLargerThanCapThen413() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);

        HttpResponse<String> response = send(HttpRequest.newBuilder(app("/api/echo"))
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(64 * 1024 + 1))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void unknownPathWhenSignedInThenReadable404() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);

        HttpResponse<String> page = get(app("/no/such/page"), "text/html");
        HttpResponse<String> api = get(app("/api/nothing"), "application/json");

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("Not found").doesNotContain("Apache Tomcat");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(api.body()).path("error").asText()).isEqualTo("not_found");
    }

    /** Runs /login → stub /authorize → /callback and returns the callback's response. */
    private HttpResponse<String> signIn(String returnTo) throws IOException, InterruptedException {
        HttpResponse<String> login = get(app("/login?return_to=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)),
                "text/html");
        assertThat(login.statusCode()).isEqualTo(302);
        HttpResponse<String> provider = get(URI.create(location(login)), "text/html");
        assertThat(provider.statusCode()).isEqualTo(302);
        assertThat(location(provider)).startsWith("http://localhost:" + deployment.getPort() + CTX + "/callback?");
        return get(URI.create(location(provider)), "text/html");
    }

    private URI app(String pathAndQuery) {
        return URI.create("http://localhost:" + deployment.getPort() + CTX + pathAndQuery);
    }

    private HttpResponse<String> get(URI uri, String accept) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).header("Accept", accept).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return browser.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location header"));
    }

    private Optional<HttpCookie> sessionCookie() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("ECHOSESSION")).findFirst();
    }

    private static String sessionCookieHeader(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith("ECHOSESSION="))
                .findFirst().orElseThrow(() -> new AssertionError("no ECHOSESSION cookie set"));
    }

    private static void assertProtectiveHtmlHeaders(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type").orElse("").replace(" ", ""))
                .isEqualToIgnoringCase("text/html;charset=UTF-8");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(response.headers().firstValue("Content-Security-Policy")).contains("default-src 'none'; "
                + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        assertThat(response.body()).doesNotContain("<script");
    }
}
