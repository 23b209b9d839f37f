package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks every page and endpoint of both WARs, including redirects, error pages and static files, and checks the
 * protective headers on each answer. Adding a page is one line in {@link #pages()}.
 */
class SecurityHeadersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERIFIER = "security-headers-walk-verifier-0123456789-abcdefghij";

    private static DevServer system;
    private static String issuer;
    private static String gateway;
    /** Signed in at the provider and at the gateway. */
    private static Browser signedIn;
    private static String accessToken;

    /** One request to make and what its answer must carry besides the protective headers. */
    record Page(String name, Supplier<HttpResponse<String>> fetch, boolean mustNotBeStored) {

        Page noStore() {
            return new Page(name, fetch, true);
        }
    }

    @BeforeAll
    static void start() {
        signIn(RunningSystem.get());
    }

    /** Once per JVM: a browser signed in at the provider and the gateway, and an access token of the demo user. */
    static synchronized void signIn(DevServer running) {
        if (signedIn != null) {
            return;
        }
        system = running;
        issuer = system.options().issuer();
        gateway = system.options().gateway();
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        browser.get(Browser.location(SingleSignOnIT.signInAtProvider(browser, authorize)));
        assertThat(browser.get(URI.create(gateway + "/")).statusCode()).isEqualTo(200);
        // the provider session now signs this browser in at once: a code for the test's own token request
        HttpResponse<String> code = browser.get(authorizeUri(Map.of()));
        assertThat(code.statusCode()).isEqualTo(302);
        HttpResponse<String> tokens = new Browser().postForm(URI.create(issuer + "/token"), Map.of(
                "grant_type", "authorization_code", "code", Browser.query(Browser.location(code)).get("code"),
                "redirect_uri", gateway + "/callback", "code_verifier", VERIFIER), "Authorization", clientAuth());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        try {
            accessToken = JSON.readTree(tokens.body()).get("access_token").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        signedIn = browser;
    }

    /** Signed in at the provider and at the gateway; shared, so a test must not sign it out. */
    static Browser signedInBrowser() {
        return signedIn;
    }

    private static List<Page> pages() {
        return List.of(
                // --- provider: protocol endpoints ---
                page("discovery", () -> get(issuer + "/.well-known/openid-configuration")),
                page("jwks", () -> get(issuer + "/jwks")),
                page("authorize, good request: redirect to the login page", () -> get(authorizeUri(Map.of()))),
                page("authorize, no client_id: error page", () -> get(issuer + "/authorize?response_type=code")),
                page("authorize, unregistered redirect_uri: error page", () -> get(authorizeUri(Map.of(
                        "redirect_uri", "https://evil.example/cb")))),
                page("authorize, bad scope: error redirect", () -> get(authorizeUri(Map.of("scope", "profile")))),
                page("authorize, signed in: code redirect", () -> signedIn.get(authorizeUri(Map.of()))),
                page("authorize, POST", () -> new Browser().postForm(URI.create(issuer + "/authorize"),
                        Map.of("response_type", "code"))),
                page("token, success", SecurityHeadersIT::freshTokenResponse).noStore(),
                page("token, invalid_grant", () -> post(issuer + "/token", Map.of("grant_type", "authorization_code",
                        "code", "nope", "redirect_uri", gateway + "/callback"), "Authorization", clientAuth()))
                        .noStore(),
                page("token, invalid_client 401", () -> post(issuer + "/token", Map.of("grant_type",
                        "client_credentials"))).noStore(),
                page("token, wrong method 405", () -> send("DELETE", issuer + "/token")),
                page("userinfo, success", () -> get(issuer + "/userinfo", "Authorization", "Bearer " + accessToken))
                        .noStore(),
                page("userinfo, no token 401", () -> get(issuer + "/userinfo")).noStore(),
                page("revoke", () -> post(issuer + "/revoke", Map.of("token", "unknown"), "Authorization",
                        clientAuth())).noStore(),
                page("revoke, invalid_client 401", () -> post(issuer + "/revoke", Map.of("token", "x"))).noStore(),
                page("introspect", () -> post(issuer + "/introspect", Map.of("token", accessToken), "Authorization",
                        clientAuth())).noStore(),
                page("introspect, invalid_client 401", () -> post(issuer + "/introspect", Map.of("token", "x")))
                        .noStore(),
                page("logout, confirmation page", () -> signedIn.get(URI.create(issuer + "/logout?client_id="
                        + DevServer.CLIENT_ID))).noStore(),
                page("logout, no session: signed-out page", () -> get(issuer + "/logout")),
                page("logout, unregistered post_logout_redirect_uri", () -> get(issuer + "/logout?client_id=echo"
                        + "&post_logout_redirect_uri=" + enc("https://evil.example/"))),
                page("health live", () -> get(issuer + "/health/live")),
                page("health ready", () -> get(issuer + "/health/ready")).noStore(),
                page("metrics (Prometheus text, from loopback)", () -> get(issuer + "/metrics")).noStore(),
                page("metrics through a proxy, no token: 403", () -> get(issuer + "/metrics", "X-Forwarded-For",
                        "203.0.113.9")).noStore(),
                // --- provider: Faces, static files, container error pages ---
                page("login page", SecurityHeadersIT::loginPage).noStore(),
                page("login page, unknown request", () -> get(issuer + "/login.xhtml?request=unknown")).noStore(),
                page("login POST, wrong password", SecurityHeadersIT::wrongPassword).noStore(),
                page("login POST, expired view", () -> post(issuer + "/login.xhtml", Map.of("login", "login",
                        "login:username", "demo", "login:password", "x", "login:submit", "Sign in",
                        "jakarta.faces.ViewState", "-1:-1"))),
                page("second-step page, unknown request", () -> get(issuer + "/mfa.xhtml?request=unknown")).noStore(),
                page("enrolment page, signed out", () -> get(issuer + "/enrol.xhtml")).noStore(),
                page("enrolment page, signed in", () -> signedIn.get(URI.create(issuer + "/enrol.xhtml"))).noStore(),
                page("account page, signed out", () -> get(issuer + "/account.xhtml")).noStore(),
                page("account page, signed in", () -> signedIn.get(URI.create(issuer + "/account.xhtml"))).noStore(),
                page("admin users, no admin token configured", () -> post(issuer + "/admin/users/demo/unlock",
                        Map.of())),
                page("context root (welcome file)", () -> get(issuer + "/")),
                page("index.html", () -> get(issuer + "/index.html")),
                page("stylesheet", () -> get(issuer + "/resources/css/login.css")),
                page("Faces resource", () -> get(issuer + "/jakarta.faces.resource/login.css.xhtml?ln=css")),
                page("404 page", () -> get(issuer + "/no-such-page")),
                page("404 page, no such .xhtml", () -> get(issuer + "/no-such-view.xhtml")),
                page("405 page, PUT on a static file", () -> send("PUT", issuer + "/index.html")),
                page("static error page itself", () -> get(issuer + "/error/500.html")),
                // --- gateway ---
                page("gateway /, signed out: redirect to /login", () -> get(gateway + "/")),
                page("gateway /login: redirect to the provider", () -> get(gateway + "/login?return_to=%2F")),
                page("gateway /callback without parameters", () -> get(gateway + "/callback")),
                page("gateway /callback with an error", () -> get(gateway + "/callback?error=access_denied&state=x")),
                page("gateway /signed-out", () -> get(gateway + "/signed-out")),
                page("gateway /logout, signed out", () -> get(gateway + "/logout")),
                page("gateway /api/echo, signed out: 401", () -> get(gateway + "/api/echo")),
                page("gateway /backchannel-logout without a token", () -> post(gateway + "/backchannel-logout",
                        Map.of())),
                page("gateway /health/live", () -> get(gateway + "/health/live")),
                page("gateway /health/ready", () -> get(gateway + "/health/ready")),
                page("gateway 405 page", () -> send("PUT", gateway + "/health/live")),
                page("gateway unknown path, signed out", () -> get(gateway + "/no-such-page")),
                page("gateway /favicon.ico", () -> get(gateway + "/favicon.ico")),
                page("gateway /, signed in", () -> signedIn.get(URI.create(gateway + "/"))),
                page("gateway /api/echo, signed in", () -> signedIn.get(URI.create(gateway + "/api/echo?x=1"))),
                page("gateway /api/echo, signed in, wrong method", () -> signedIn.send(HttpRequest.newBuilder(
                        URI.create(gateway + "/api/echo")).method("TRACE", HttpRequest.BodyPublishers.noBody())
                        .build())),
                page("gateway unknown path, signed in: 404 page", () -> signedIn.get(URI.create(
                        gateway + "/no-such-page"))));
    }

    @TestFactory
    Stream<DynamicTest> everyPageWhenFetchedThenProtectiveHeaders() {
        return pages().stream().map(page -> DynamicTest.dynamicTest(page.name(), () -> {
            HttpResponse<String> response = page.fetch().get();
            assertProtectiveHeaders(response);
            if (page.mustNotBeStored()) {
                assertThat(response.headers().firstValue("Cache-Control")).as("Cache-Control")
                        .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
            }
        }));
    }

    /** The four headers, a CSP without inline script, and no script element in an HTML body. */
    static void assertProtectiveHeaders(HttpResponse<String> response) {
        String where = response.request().method() + " " + response.uri() + " -> " + response.statusCode();
        String csp = response.headers().firstValue("Content-Security-Policy").orElse(null);
        assertThat(csp).as("Content-Security-Policy of %s", where).isNotNull().contains("frame-ancestors 'none'");
        List<String> scriptSources = new ArrayList<>();
        boolean hasDefault = false;
        for (String directive : csp.split(";")) {
            List<String> words = Arrays.asList(directive.trim().split("\\s+"));
            if (words.get(0).equals("script-src") || words.get(0).equals("default-src")) {
                scriptSources.addAll(words.subList(1, words.size()));
                hasDefault |= words.get(0).equals("default-src");
            }
        }
        assertThat(hasDefault).as("default-src in the CSP of %s", where).isTrue();
        assertThat(scriptSources).as("script sources of %s", where)
                .doesNotContain("'unsafe-inline'", "'unsafe-eval'", "*", "data:");
        assertThat(response.headers().allValues("X-Frame-Options")).as("X-Frame-Options of %s", where)
                .containsExactly("DENY");
        assertThat(response.headers().allValues("Referrer-Policy")).as("Referrer-Policy of %s", where)
                .containsExactly("no-referrer");
        assertThat(response.headers().allValues("X-Content-Type-Options")).as("X-Content-Type-Options of %s", where)
                .containsExactly("nosniff");
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("text/html")) {
            assertThat(response.body().toLowerCase(Locale.ROOT)).as("body of %s", where).doesNotContain("<script");
        }
    }

    // --- the requests ---

    private static Page page(String name, Supplier<HttpResponse<String>> fetch) {
        return new Page(name, fetch, false);
    }

    private static HttpResponse<String> loginPage() {
        Browser browser = new Browser();
        HttpResponse<String> toLogin = browser.get(authorizeUri(Map.of()));
        return browser.get(Browser.location(toLogin));
    }

    private static HttpResponse<String> wrongPassword() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorizeUri(Map.of()))));
        HttpResponse<String> again = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                "login:password", "wrong"), "login:submit");
        assertThat(again.statusCode()).isEqualTo(200);
        return again;
    }

    private static HttpResponse<String> freshTokenResponse() {
        HttpResponse<String> code = signedIn.get(authorizeUri(Map.of()));
        return post(issuer + "/token", Map.of("grant_type", "authorization_code",
                "code", Browser.query(Browser.location(code)).get("code"),
                "redirect_uri", gateway + "/callback", "code_verifier", VERIFIER), "Authorization", clientAuth());
    }

    /** A valid authorization request for the launcher's client, with some parameters replaced or added. */
    static URI authorizeUri(Map<String, String> overrides) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", DevServer.CLIENT_ID);
        params.put("redirect_uri", gateway + "/callback");
        params.put("scope", "openid profile");
        params.put("state", "walk-state");
        params.put("nonce", "walk-nonce");
        params.put("code_challenge", challenge(VERIFIER));
        params.put("code_challenge_method", "S256");
        params.putAll(overrides);
        return URI.create(issuer + "/authorize?" + Browser.formEncode(params));
    }

    static String clientAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((DevServer.CLIENT_ID + ":" + system.clientSecret())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(Object uri, String... headers) {
        return new Browser().get(URI.create(uri.toString()), headers);
    }

    private static HttpResponse<String> post(String uri, Map<String, String> form, String... headers) {
        return new Browser().postForm(URI.create(uri), form, headers);
    }

    private static HttpResponse<String> send(String method, String uri) {
        return new Browser().send(HttpRequest.newBuilder(URI.create(uri))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
