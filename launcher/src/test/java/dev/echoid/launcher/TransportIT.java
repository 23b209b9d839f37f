package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both WARs as production runs them (dev mode off, https issuer and redirect URI) behind a TLS-terminating proxy at
 * 127.0.0.1/::1 ({@code *_TRUSTED_PROXIES}). The test plays the proxy: it speaks plain HTTP to Tomcat and claims
 * {@code X-Forwarded-Proto: https}, or leaves the header out to be a browser on plain HTTP. The gateway cannot reach
 * the provider here (its https issuer has no TLS listener), so only each WAR's own answers are checked; an untrusted
 * sender's header is covered by the filters' unit tests, since every request here comes from loopback.
 */
class TransportIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HSTS = "max-age=31536000; includeSubDomains";

    private static DevServer system;
    private static String plainIssuer;
    private static String issuer;
    private static String plainGateway;
    private static String gateway;

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeAll
    static void start() {
        int identityPort = RunningSystem.freePort();
        int echoPort = RunningSystem.freePort();
        issuer = "https://localhost:" + identityPort + "/identity";
        gateway = "https://localhost:" + echoPort;
        plainIssuer = "http://localhost:" + identityPort + "/identity";
        plainGateway = "http://localhost:" + echoPort;
        Map<String, String> production = new LinkedHashMap<>();
        production.put("IDENTITY_DEV_MODE", "false");
        production.put("ECHO_DEV_MODE", "false");
        production.put("IDENTITY_TRUSTED_PROXIES", "127.0.0.1 ::1");
        production.put("ECHO_TRUSTED_PROXIES", "127.0.0.1, ::1");
        production.put("IDENTITY_ISSUER", issuer);
        production.put("ECHO_ISSUER", issuer);
        production.put("ECHO_REDIRECT_URI", gateway + "/callback");
        production.put("IDENTITY_BOOTSTRAP_REDIRECT_URIS", gateway + "/callback");
        production.put("IDENTITY_BOOTSTRAP_POST_LOGOUT_REDIRECT_URIS", gateway + "/signed-out");
        production.put("IDENTITY_BOOTSTRAP_BACKCHANNEL_LOGOUT_URI", gateway + "/backchannel-logout");
        DevServer.Options defaults = RunningSystem.freshOptions(RunningSystem.temporaryDirectory());
        system = DevServer.start(new DevServer.Options("localhost", identityPort, echoPort,
                defaults.dataDirectory(), defaults.webapps(), Optional.empty(), Optional.empty(), Optional.empty(),
                production));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void plainGetWhenOutsideDevModeThenPermanentRedirectToSameAddressOverHttps() {
        HttpResponse<String> discovery = send("GET", plainIssuer + "/.well-known/openid-configuration?x=1", null);
        assertThat(discovery.statusCode()).isEqualTo(301);
        assertThat(discovery.headers().firstValue("Location"))
                .hasValue(issuer + "/.well-known/openid-configuration?x=1");
        assertThat(discovery.headers().firstValue("Strict-Transport-Security")).isEmpty();

        HttpResponse<String> login = send("GET", plainIssuer + "/login.xhtml?request=abc", null);
        assertThat(login.statusCode()).isEqualTo(301);
        assertThat(login.headers().firstValue("Location")).hasValue(issuer + "/login.xhtml?request=abc");
        assertThat(login.headers().firstValue("Set-Cookie")).as("no session over plain HTTP").isEmpty();

        HttpResponse<String> page = send("GET", plainGateway + "/signed-out", null);
        assertThat(page.statusCode()).isEqualTo(301);
        assertThat(page.headers().firstValue("Location")).hasValue(gateway + "/signed-out");

        HttpResponse<String> home = send("GET", plainGateway + "/?tab=2", null);
        assertThat(home.statusCode()).isEqualTo(301);
        assertThat(home.headers().firstValue("Location")).hasValue(gateway + "/?tab=2");
    }

    @Test
    void healthProbeWhenPlainHttpThenAnsweredWithItsRealStatus() throws Exception {
        // an orchestrator probes each node directly; a 301 would count as healthy whatever the checks say
        for (String probe : new String[] {plainIssuer + "/health/live", plainIssuer + "/health/ready",
            plainGateway + "/health/live", plainGateway + "/health/ready"}) {
            HttpResponse<String> health = send("GET", probe, null);
            assertThat(health.statusCode()).as(probe).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(health.body()).get("status").asText()).as(probe).isEqualTo("UP");
            assertThat(health.headers().firstValue("Strict-Transport-Security")).as(probe).isEmpty();
            assertThat(health.headers().firstValue("Set-Cookie")).as(probe).isEmpty();
            SecurityHeadersIT.assertProtectiveHeaders(health);
        }
        // the rest of the operations surface stays TLS-only
        assertThat(send("GET", plainIssuer + "/metrics", null).statusCode()).isEqualTo(301);
        assertThat(send("POST", plainIssuer + "/health/ready", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void plainPostWhenOutsideDevModeThen403JsonAndCredentialsNeverChecked() throws Exception {
        HttpResponse<String> token = send("POST", plainIssuer + "/token", Map.of("grant_type", "client_credentials"),
                "Authorization", basic(DevServer.CLIENT_ID, system.clientSecret()));
        assertHttpsRequired(token);
        assertThat(token.headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<String> loginPost = send("POST", plainIssuer + "/login.xhtml",
                Map.of("login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD));
        assertHttpsRequired(loginPost);

        HttpResponse<String> userinfo = send("GET", plainIssuer + "/userinfo", null, "Authorization", "Bearer x");
        assertHttpsRequired(userinfo);

        HttpResponse<String> backchannel = send("POST", plainGateway + "/backchannel-logout",
                Map.of("logout_token", "x"));
        assertHttpsRequired(backchannel);
        HttpResponse<String> api = send("POST", plainGateway + "/api/echo", Map.of("a", "b"));
        assertHttpsRequired(api);
    }

    @Test
    void requestWhenTrustedProxySaysHttpsThenServedWithHsts() throws Exception {
        HttpResponse<String> discovery = send("GET", plainIssuer + "/.well-known/openid-configuration", null,
                "X-Forwarded-Proto", "https");
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.headers().firstValue("Strict-Transport-Security")).hasValue(HSTS);
        assertThat(JSON.readTree(discovery.body()).get("token_endpoint").asText()).isEqualTo(issuer + "/token");

        HttpResponse<String> token = send("POST", plainIssuer + "/token", Map.of("grant_type", "nonsense"),
                "X-Forwarded-Proto", "https", "Authorization", basic(DevServer.CLIENT_ID, system.clientSecret()));
        assertThat(token.statusCode()).as("processed: a protocol error, not the transport refusal").isEqualTo(400);
        assertThat(JSON.readTree(token.body()).get("error").asText()).isEqualTo("unsupported_grant_type");
        assertThat(token.headers().firstValue("Strict-Transport-Security")).hasValue(HSTS);

        HttpResponse<String> signedOut = send("GET", plainGateway + "/signed-out", null, "X-Forwarded-Proto", "https");
        assertThat(signedOut.statusCode()).isEqualTo(200);
        assertThat(signedOut.headers().firstValue("Strict-Transport-Security")).hasValue(HSTS);

        HttpResponse<String> health = send("GET", plainGateway + "/health/live", null, "X-Forwarded-Proto", "https");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValue(HSTS);
        SecurityHeadersIT.assertProtectiveHeaders(health);
        SecurityHeadersIT.assertProtectiveHeaders(signedOut);
        SecurityHeadersIT.assertProtectiveHeaders(discovery);
    }

    @Test
    void errorPageWhenOverHttpsThenHstsAndProtectiveHeaders() {
        HttpResponse<String> notFound = send("GET", plainIssuer + "/no-such-page", null, "X-Forwarded-Proto", "https");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("Strict-Transport-Security")).hasValue(HSTS);
        SecurityHeadersIT.assertProtectiveHeaders(notFound);
    }

    @Test
    void signInWhenOverHttpsThenSessionAndSsoCookiesAreSecure() throws Exception {
        Map<String, String> cookies = new LinkedHashMap<>();
        List<String> setCookies = new ArrayList<>();
        String verifier = "transport-test-verifier-0123456789-0123456789-abcdef";
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = plainIssuer + "/authorize?response_type=code&client_id=" + DevServer.CLIENT_ID
                + "&scope=openid&state=s1&nonce=n1&code_challenge_method=S256&code_challenge=" + challenge
                + "&redirect_uri=" + URLEncoder.encode(gateway + "/callback", StandardCharsets.UTF_8);

        HttpResponse<String> toLogin = viaProxy("GET", authorize, null, cookies, setCookies);
        assertThat(toLogin.statusCode()).isEqualTo(302);
        URI loginPage = URI.create(plainIssuer + "/").resolve(toLogin.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = viaProxy("GET", plainIssuer + loginPage.getRawPath().substring("/identity".length())
                + "?" + loginPage.getRawQuery(), null, cookies, setCookies);
        assertThat(page.statusCode()).isEqualTo(200);

        Document document = Jsoup.parse(page.body());
        Element form = document.getElementById("login");
        assertThat(form).isNotNull();
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element hidden : form.select("input[type=hidden]")) {
            fields.put(hidden.attr("name"), hidden.attr("value"));
        }
        fields.put("login:username", DevServer.DEMO_USER);
        fields.put("login:password", DevServer.DEMO_PASSWORD);
        fields.put("login:submit", "Sign in");
        HttpResponse<String> signedIn = viaProxy("POST", plainIssuer + "/login.xhtml", fields, cookies, setCookies);
        assertThat(signedIn.statusCode()).as("login -> client").isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).startsWith(gateway + "/callback?"));

        // the sign-in keeps no HTTP session: its cookies are the pending request's binding and the sign-on session
        assertThat(setCookies).anySatisfy(cookie -> assertThat(cookie).startsWith("IDENTITY_LOGIN="));
        assertThat(setCookies).anySatisfy(cookie -> assertThat(cookie).startsWith("IDENTITY_SSO="));
        assertThat(setCookies).allSatisfy(cookie -> assertThat(cookie.toLowerCase())
                .contains("; secure").contains("; httponly"));
    }

    // --- helpers ---

    private static void assertHttpsRequired(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("error_description").asText()).isEqualTo("HTTPS is required");
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        SecurityHeadersIT.assertProtectiveHeaders(response);
    }

    /** As the TLS-terminating proxy would forward it, carrying the cookies the browser holds (all are Secure). */
    private HttpResponse<String> viaProxy(String method, String uri, Map<String, String> form,
            Map<String, String> cookies, List<String> setCookies) {
        List<String> headers = new ArrayList<>(List.of("X-Forwarded-Proto", "https"));
        if (!cookies.isEmpty()) {
            headers.add("Cookie");
            headers.add(String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .toList()));
        }
        HttpResponse<String> response = send(method, uri, form, headers.toArray(String[]::new));
        for (String cookie : response.headers().allValues("Set-Cookie")) {
            setCookies.add(cookie);
            String pair = cookie.split(";", 2)[0];
            cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return response;
    }

    private HttpResponse<String> send(String method, String uri, Map<String, String> form, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
        if (form == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(Browser.formEncode(form)));
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + uri + " failed", e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(user, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(password, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }
}
