package dev.echoid.echo.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
    void readyWhenConfiguredThenUpWithTheSettingsCheck() throws Exception {
        HttpResponse<String> response = get(app("/health/ready"), "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("settings").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void accessLogWhenSignedInApiCallThenOneLineWithTheLoginIdAndNoQuery() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        Logger access = Logger.getLogger("dev.echoid.echo.access");
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        access.setLevel(Level.INFO);
        access.addHandler(capture);
        try {
            HttpResponse<String> echo = send(HttpRequest.newBuilder(app("/api/echo/logged?token=secret-in-query"))
                    .header("Accept", "application/json").header("Authorization", "Bearer secret-in-header").GET());
            assertThat(echo.statusCode()).isEqualTo(200);
            HttpResponse<String> signedOut = get(app("/signed-out"), "text/html");
            assertThat(signedOut.statusCode()).isEqualTo(200);
            Thread.sleep(200); // a line is written as the request completes, just after the answer was sent
        } finally {
            access.removeHandler(capture);
        }

        List<String> apiLines = lines.stream().filter(l -> l.contains(" path=" + CTX + "/api/echo/logged ")).toList();
        assertThat(apiLines).hasSize(1);
        assertThat(apiLines.get(0)).matches(java.util.regex.Pattern.quote("access method=GET path=" + CTX
                + "/api/echo/logged status=200 duration_ms=") + "\\d+ remote=(127\\.0\\.0\\.1|0:0:0:0:0:0:0:1) "
                + java.util.regex.Pattern.quote("login_id=" + StubOpenIdProvider.LOGIN_ID));
        assertThat(lines).anyMatch(l -> l.contains(" path=" + CTX + "/signed-out ") && l.endsWith(" login_id=-"));
        assertThat(lines).noneMatch(l -> l.contains("secret-in") || l.contains("?"));
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
        // the Sign out form's answer redirects to the provider's end_session_endpoint; Chromium checks that hop too
        URI issuer = URI.create(stub.issuer());
        assertThat(home.headers().firstValue("Content-Security-Policy").orElse(""))
                .endsWith("; form-action 'self' " + issuer.getScheme() + "://" + issuer.getAuthority());

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
    void logoutWhenPostedThenRefreshTokenRevokedAndBrowserSentToProviderEndSession() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        assertThat(get(app("/"), "text/html").statusCode()).isEqualTo(200);
        String refreshToken = stub.lastIssuedRefreshToken();
        String sid = stub.lastSid();

        // the start page's sign-out button: a POST form with the session's token
        HttpResponse<String> logout = postLogout(signOutToken(get(app("/"), "text/html")));

        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Cache-Control")).contains("no-store");
        String location = location(logout);
        assertThat(location).startsWith(stub.endSessionEndpoint() + "&");
        Map<String, String> sent = StubOpenIdProvider.form(URI.create(location).getRawQuery());
        assertThat(sent).containsEntry("tenant", "stub")
                .containsEntry("client_id", StubOpenIdProvider.CLIENT_ID)
                .containsEntry("post_logout_redirect_uri", "http://localhost:" + deployment.getPort() + CTX + "/signed-out");
        assertThat(sent.get("state")).hasSizeGreaterThanOrEqualTo(22);
        DecodedJWT hint = JWT.decode(sent.get("id_token_hint"));
        assertThat(hint.getSubject()).isEqualTo(StubOpenIdProvider.SUBJECT);
        assertThat(hint.getClaim("sid").asString()).isEqualTo(sid);
        assertThat(stub.revocations()).containsExactly(new StubOpenIdProvider.Revocation(refreshToken, "refresh_token"));
        HttpResponse<String> after = get(app("/"), "text/html");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(location(after)).isEqualTo(CTX + "/login?return_to=%2F");
    }

    @Test
    void logoutWhenGetThenConfirmationPageAndNothingEnded() throws Exception {
        // a cross-site link (or image) to /logout: SameSite=Lax cookies ride along on a top-level GET
        assertThat(signIn("/").statusCode()).isEqualTo(302);

        HttpResponse<String> logout = get(app("/logout"), "text/html");

        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.body()).contains("Sign out?").contains("method=\"post\"")
                .contains("action=\"" + CTX + "/logout\"");
        assertProtectiveHtmlHeaders(logout);
        assertThat(stub.revocations()).isEmpty();
        assertThat(get(app("/api/echo"), "application/json").statusCode()).as("still signed in").isEqualTo(200);

        // the confirmation page's own button signs out
        HttpResponse<String> confirmed = postLogout(signOutToken(logout));
        assertThat(confirmed.statusCode()).isEqualTo(302);
        assertThat(location(confirmed)).startsWith(stub.endSessionEndpoint() + "&");
        assertThat(get(app("/api/echo"), "application/json").statusCode()).isEqualTo(401);
    }

    @Test
    void logoutWhenPostedWithoutTheTokenOrWithAWrongOneThenNothingEnded() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        String token = signOutToken(get(app("/"), "text/html"));

        for (String forged : new String[] {null, "", "x" + token, token.substring(1)}) {
            HttpResponse<String> logout = postLogout(forged);
            assertThat(logout.statusCode()).as("token %s", forged).isEqualTo(403);
            assertThat(logout.headers().firstValue("Location")).isEmpty();
            assertThat(logout.body()).contains("<h1>").doesNotContain("Exception");
        }

        assertThat(stub.revocations()).isEmpty();
        assertThat(get(app("/api/echo"), "application/json").statusCode()).as("still signed in").isEqualTo(200);
        assertThat(postLogout(token).statusCode()).isEqualTo(302);
    }

    @Test
    void logoutWhenPostedCrossOriginWithTheTokenThenNothingEnded() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        String token = signOutToken(get(app("/"), "text/html"));

        for (String[] header : new String[][] {{"Origin", "https://evil.example"},
                {"Origin", "null", "Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "cross-site"},
                {"Sec-Fetch-Site", "same-site"}, {"Origin", "https://evil.example", "Sec-Fetch-Site", "same-origin"}}) {
            HttpResponse<String> logout = send(HttpRequest.newBuilder(app("/logout"))
                    .header("Accept", "text/html")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .headers(header)
                    .POST(HttpRequest.BodyPublishers.ofString("form_token=" + token)));
            assertThat(logout.statusCode()).as(String.join(": ", header)).isEqualTo(403);
            assertThat(logout.headers().firstValue("Location")).isEmpty();
        }

        assertThat(stub.revocations()).isEmpty();
        assertThat(get(app("/api/echo"), "application/json").statusCode()).as("still signed in").isEqualTo(200);
        // the gateway's own page, as Chromium posts it under Referrer-Policy: no-referrer (Origin: null)
        HttpResponse<String> sameOrigin = send(HttpRequest.newBuilder(app("/logout"))
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "null")
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString("form_token=" + token)));
        assertThat(sameOrigin.statusCode()).isEqualTo(302);
    }

    @Test
    void logoutWhenNotSignedInThenSignedOutPageAndNothingSentToProvider() throws Exception {
        HttpResponse<String> logout = get(app("/logout"), "text/html");

        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.body()).contains("You are signed out").contains(CTX + "/login");
        assertProtectiveHtmlHeaders(logout);
        assertThat(stub.revocations()).isEmpty();
    }

    @Test
    void signedOutWhenNotSignedInThenPublicReadablePage() throws Exception {
        HttpResponse<String> page = get(app("/signed-out?state=%3Cscript%3E"), "text/html");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("You are signed out").contains("href=\"" + CTX + "/login\"")
                .doesNotContain("%3Cscript").doesNotContain("&lt;script");
        assertProtectiveHtmlHeaders(page);
    }

    @Test
    void refreshWhenIdTokenAboutToExpireThenRenewedOnceAndRotatedRefreshTokenUsedNext() throws Exception {
        // 30 s is inside the gateway's 60 s refresh margin, so the very next request renews.
        stub.idTokenLifetime(Duration.ofSeconds(30));
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        String issuedAtSignIn = stub.lastIssuedRefreshToken();
        assertThat(stub.refreshCalls()).isZero();

        HttpResponse<String> home = get(app("/"), "text/html");

        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(stub.refreshCalls()).isEqualTo(1);
        assertThat(stub.presentedRefreshTokens()).containsExactly(issuedAtSignIn);
        String rotated = stub.lastIssuedRefreshToken();
        assertThat(rotated).isNotEqualTo(issuedAtSignIn);

        // The renewed ID token is short-lived too: the next request renews again, with the rotated refresh token.
        stub.idTokenLifetime(Duration.ofSeconds(300));
        HttpResponse<String> api = get(app("/api/echo"), "application/json");

        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(stub.refreshCalls()).isEqualTo(2);
        assertThat(stub.presentedRefreshTokens()).containsExactly(issuedAtSignIn, rotated);
        assertThat(JSON.readTree(api.body()).path("identity").path("exp").asLong())
                .isGreaterThan(Instant.now().plusSeconds(200).getEpochSecond());
        assertThat(stub.tokenFailures()).isEmpty();

        // Now the ID token is good for 300 s: no further refresh.
        assertThat(get(app("/"), "text/html").statusCode()).isEqualTo(200);
        assertThat(stub.refreshCalls()).isEqualTo(2);
    }

    @Test
    void refreshWhenFiveConcurrentRequestsThenExactlyOneRefresh() throws Exception {
        stub.idTokenLifetime(Duration.ofSeconds(30));
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        stub.idTokenLifetime(Duration.ofSeconds(300));
        stub.refreshDelay(Duration.ofMillis(500));

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            responses.add(browser.sendAsync(HttpRequest.newBuilder(app("/api/echo?n=" + i))
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        }

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(stub.refreshCalls()).isEqualTo(1);
        assertThat(stub.tokenFailures()).isEmpty();
        assertThat(get(app("/"), "text/html").statusCode()).isEqualTo(200);
        assertThat(stub.refreshCalls()).isEqualTo(1);
    }

    @Test
    void refreshWhenRefusedThenBrowserRedirectedToLoginAndSessionGone() throws Exception {
        stub.idTokenLifetime(Duration.ofSeconds(30));
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        stub.refuseRefresh();

        HttpResponse<String> home = get(app("/"), "text/html");

        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(location(home)).isEqualTo(CTX + "/login?return_to=%2F");
        assertThat(stub.refreshCalls()).isEqualTo(1);
        HttpResponse<String> again = get(app("/"), "text/html");
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(stub.refreshCalls()).as("the session is gone, nothing left to refresh").isEqualTo(1);
    }

    @Test
    void refreshWhenRefusedThenApiGets401AndSessionGone() throws Exception {
        stub.idTokenLifetime(Duration.ofSeconds(30));
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        stub.refuseRefresh();

        HttpResponse<String> api = get(app("/api/echo"), "application/json");

        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"echo\"");
        assertThat(JSON.readTree(api.body()).path("error").asText()).isEqualTo("login_required");
        assertThat(stub.refreshCalls()).isEqualTo(1);
        assertThat(get(app("/api/echo"), "application/json").statusCode()).isEqualTo(401);
        assertThat(stub.refreshCalls()).isEqualTo(1);
    }

    @Test
    void backchannelLogoutWhenSidMatchesThenOnlyThatSessionEnds() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        String sid = stub.lastSid();
        HttpClient other = anotherBrowser();
        assertThat(signIn(other, "/").statusCode()).isEqualTo(302);
        assertThat(stub.lastSid()).isNotEqualTo(sid);
        Map<String, Object> claims = stub.logoutClaims(sid);
        claims.remove("sub");

        HttpResponse<String> response = backchannelLogout(stub.sign(claims));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        HttpResponse<String> ended = get(app("/"), "text/html");
        assertThat(ended.statusCode()).isEqualTo(302);
        assertThat(location(ended)).isEqualTo(CTX + "/login?return_to=%2F");
        assertThat(get(other, app("/"), "text/html").statusCode()).isEqualTo(200);
    }

    @Test
    void backchannelLogoutWhenOnlySubThenAllThatUsersSessionsEnd() throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        HttpClient other = anotherBrowser();
        assertThat(signIn(other, "/").statusCode()).isEqualTo(302);

        HttpResponse<String> response = backchannelLogout(stub.sign(stub.logoutClaims(null)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(get(app("/"), "text/html").statusCode()).isEqualTo(302);
        assertThat(get(other, app("/api/echo"), "application/json").statusCode()).isEqualTo(401);
    }

    @Test
    void backchannelLogoutWhenSignatureBadThen400() throws Exception {
        assertLogoutTokenRefused(claims -> stub.signWithForeignKey(claims));
    }

    @Test
    void backchannelLogoutWhenAudienceWrongThen400() throws Exception {
        assertLogoutTokenRefused(claims -> {
            claims.put("aud", "another-client");
            return stub.sign(claims);
        });
    }

    @Test
    void backchannelLogoutWhenIssuerWrongThen400() throws Exception {
        assertLogoutTokenRefused(claims -> {
            claims.put("iss", "http://127.0.0.1:1/other-op");
            return stub.sign(claims);
        });
    }

    @Test
    void backchannelLogoutWhenEventsMissingThen400() throws Exception {
        assertLogoutTokenRefused(claims -> {
            claims.remove("events");
            return stub.sign(claims);
        });
    }

    @Test
    void backchannelLogoutWhenNonceThen400() throws Exception {
        assertLogoutTokenRefused(claims -> {
            claims.put("nonce", "n-0S6_WzA2Mj");
            return stub.sign(claims);
        });
    }

    @Test
    void backchannelLogoutWhenJtiMissingThen400() throws Exception {
        assertLogoutTokenRefused(claims -> {
            claims.remove("jti");
            return stub.sign(claims);
        });
    }

    @Test
    void backchannelLogoutWhenNeitherSubNorSidThen400() throws Exception {
        assertLogoutTokenRefused(claims -> {
            claims.remove("sub");
            claims.remove("sid");
            return stub.sign(claims);
        });
    }

    @Test
    void backchannelLogoutWhenAlgNoneThen400() throws Exception {
        assertLogoutTokenRefused(claims -> b64url("{\"alg\":\"none\",\"kid\":\"" + StubOpenIdProvider.KID + "\"}")
                + "." + b64url(JSON.writeValueAsString(claims)) + ".");
    }

    @Test
    void backchannelLogoutWhenJtiReplayedThen400() throws Exception {
        // The first use names a provider session nobody here has, so it ends nothing but is accepted.
        String token = stub.sign(stub.logoutClaims("sid-of-nobody-here"));
        assertThat(backchannelLogout(token).statusCode()).isEqualTo(200);

        assertLogoutTokenRefused(claims -> token);
    }

    @Test
    void backchannelLogoutWhenNoLogoutTokenThen400() throws Exception {
        HttpResponse<String> response = provider().send(HttpRequest.newBuilder(app("/backchannel-logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_request");
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
        return signIn(browser, returnTo);
    }

    private HttpResponse<String> signIn(HttpClient client, String returnTo) throws IOException, InterruptedException {
        HttpResponse<String> login = get(client, app("/login?return_to="
                + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)), "text/html");
        assertThat(login.statusCode()).isEqualTo(302);
        HttpResponse<String> provider = get(client, URI.create(location(login)), "text/html");
        assertThat(provider.statusCode()).isEqualTo(302);
        assertThat(location(provider)).startsWith("http://localhost:" + deployment.getPort() + CTX + "/callback?");
        return get(client, URI.create(location(provider)), "text/html");
    }

    /** The sign-out form's token, from a page that has the form (the start page, the confirmation page). */
    private static String signOutToken(HttpResponse<String> page) {
        java.util.regex.Matcher token = java.util.regex.Pattern
                .compile("<input type=\"hidden\" name=\"form_token\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(token.find()).as("a sign-out form with its token in:\n" + page.body()).isTrue();
        return token.group(1);
    }

    /** {@code POST /logout} as the sign-out button sends it; {@code token} null: no token at all. */
    private HttpResponse<String> postLogout(String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(app("/logout"))
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(token == null ? ""
                        : "form_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
    }

    /** A second browser with its own cookies. */
    private static HttpClient anotherBrowser() {
        return HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The provider's server-to-server client: no cookies. */
    private static HttpClient provider() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> backchannelLogout(String logoutToken) throws IOException, InterruptedException {
        return provider().send(HttpRequest.newBuilder(app("/backchannel-logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("logout_token="
                        + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A token for the signed-in session's sid, spoiled by {@code craft}: 400, and the session lives on. */
    private void assertLogoutTokenRefused(LogoutTokenCrafter craft) throws Exception {
        assertThat(signIn("/").statusCode()).isEqualTo(302);
        String token = craft.craft(stub.logoutClaims(stub.lastSid()));

        HttpResponse<String> response = backchannelLogout(token);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_request");
        assertThat(body.path("error_description").asText()).isEqualTo("The logout token is not valid.");
        assertThat(get(app("/"), "text/html").statusCode()).as("the session was not ended").isEqualTo(200);
    }

    @FunctionalInterface
    private interface LogoutTokenCrafter {
        String craft(Map<String, Object> validClaims) throws Exception;
    }

    private static String b64url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private URI app(String pathAndQuery) {
        return URI.create("http://localhost:" + deployment.getPort() + CTX + pathAndQuery);
    }

    private HttpResponse<String> get(URI uri, String accept) throws IOException, InterruptedException {
        return get(browser, uri, accept);
    }

    private static HttpResponse<String> get(HttpClient client, URI uri, String accept)
            throws IOException, InterruptedException {
        return send(client, HttpRequest.newBuilder(uri).header("Accept", accept).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(browser, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(),
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
        // the page's one inline stylesheet is allowed by its hash, never by 'unsafe-inline'
        String style = between(response.body(), "<style>", "</style>");
        String policy = "default-src 'none'; style-src 'sha256-" + sha256Base64(style) + "'; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'";
        String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).startsWith(policy);
        assertThat(csp.substring(policy.length())).as("form-action: the gateway, and at most the provider's origin")
                .matches("( http://127\\.0\\.0\\.1:[0-9]+)?");
        assertThat(response.body()).containsOnlyOnce("<style>").doesNotContain("style=");
        assertThat(response.body()).doesNotContain("<script");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end, from);
        assertThat(from).as("page has %s", start).isNotNegative();
        return text.substring(from + start.length(), to);
    }

    private static String sha256Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
