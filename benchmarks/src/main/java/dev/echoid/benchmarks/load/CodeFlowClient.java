package dev.echoid.benchmarks.load;

import static dev.echoid.benchmarks.load.BrowserExchanges.expect;
import static dev.echoid.benchmarks.load.BrowserExchanges.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.launcher.DevServer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver as the gateway's client ({@code echo}, confidential, {@code client_secret_basic}) talking to the provider
 * directly: the code flow with PKCE (RFC 7636, S256) and {@code offline_access}, the code redeemed and the refresh
 * token rotated by the driver. The browser's side is a cookie jar: the first authorization asks for the password,
 * the next ones of that jar are answered from its sign-on session with a code at once.
 */
final class CodeFlowClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SCOPE = "openid offline_access";

    /** A code the provider issued, with the PKCE verifier of its request. */
    record IssuedCode(String code, String verifier) {
    }

    private final HttpClient http;
    private final BrowserExchanges browser;
    private final Duration timeout;
    private final String issuer;
    private final String redirectUri;
    private final String basic;

    CodeFlowClient(HttpClient http, BrowserExchanges browser, Duration timeout, String issuer, String gateway,
            String clientSecret) {
        this.http = http;
        this.browser = browser;
        this.timeout = timeout;
        this.issuer = issuer;
        this.redirectUri = gateway + "/callback";
        // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined and base64-encoded
        this.basic = "Basic " + Base64.getEncoder().encodeToString((form(DevServer.CLIENT_ID) + ":"
                + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
    }

    /** A new cookie jar, signed in at the provider with the demo user's password; the code of that sign-in. */
    IssuedCode signIn(CookieManager jar) throws IOException, InterruptedException {
        Authorization request = new Authorization();
        HttpResponse<String> toLogin = expect(browser.get(jar, request.uri()), 302, "provider /authorize");
        HttpResponse<String> page = expect(browser.get(jar, location(toLogin)), 200, "login page");
        HttpResponse<String> toCallback = expect(browser.submit(jar, page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit"),
                302, "login form POST");
        return request.code(location(toCallback));
    }

    /**
     * A sign-in that fails: a new cookie jar's authorization request, then the login form with {@code user} and a
     * wrong password. The provider answers the login page again (200) with its message, never a code.
     */
    HttpResponse<String> failedSignIn(String user) throws IOException, InterruptedException {
        CookieManager jar = newJar();
        Authorization request = new Authorization();
        HttpResponse<String> toLogin = expect(browser.get(jar, request.uri()), 302, "provider /authorize");
        HttpResponse<String> page = expect(browser.get(jar, location(toLogin)), 200, "login page");
        return browser.submit(jar, page, "login", Map.of("login:username", user, "login:password",
                "not-the-password-" + random()), "login:submit");
    }

    static CookieManager newJar() {
        return new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    }

    /** One more code for a jar that is signed in: {@code /authorize} answers from the sign-on session. */
    IssuedCode nextCode(CookieManager jar) throws IOException, InterruptedException {
        Authorization request = new Authorization();
        return request.code(location(expect(browser.get(jar, request.uri()), 302, "provider /authorize (signed in)")));
    }

    /** RFC 6749 §4.1.3 with the PKCE verifier: the token response, with its ID and refresh tokens checked. */
    JsonNode redeem(IssuedCode code) throws IOException, InterruptedException {
        JsonNode tokens = token("grant_type=authorization_code&code=" + form(code.code()) + "&redirect_uri="
                + form(redirectUri) + "&code_verifier=" + form(code.verifier()), "code redemption");
        require(tokens, "id_token", "code redemption");
        require(tokens, "refresh_token", "code redemption");
        return tokens;
    }

    /** RFC 6749 §6: the next refresh token of the chain (the provider rotates it on every use). */
    String refresh(String refreshToken) throws IOException, InterruptedException {
        JsonNode tokens = token("grant_type=refresh_token&refresh_token=" + form(refreshToken), "refresh");
        require(tokens, "id_token", "refresh");
        return require(tokens, "refresh_token", "refresh");
    }

    private JsonNode token(String body, String step) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(timeout)
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(step + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String require(JsonNode tokens, String member, String step) {
        JsonNode value = tokens.get(member);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException(step + ": the answer lacks " + member);
        }
        return value.asText();
    }

    /** One authorization request: its state and PKCE pair, and the check of the redirect that answers it. */
    private final class Authorization {

        private final String state = random();
        private final String verifier = random();

        URI uri() {
            return URI.create(issuer + "/authorize?response_type=code&client_id=" + form(DevServer.CLIENT_ID)
                    + "&redirect_uri=" + form(redirectUri) + "&scope=" + form(SCOPE) + "&state=" + state
                    + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256");
        }

        IssuedCode code(URI callback) {
            if (!callback.toString().startsWith(redirectUri + "?")) {
                throw new IllegalStateException("redirected to " + callback + ", not the client's redirect URI");
            }
            Map<String, String> query = query(callback);
            if (!state.equals(query.get("state")) || query.get("code") == null) {
                throw new IllegalStateException("the redirect lacks the code or the state: " + callback);
            }
            return new IssuedCode(query.get("code"), verifier);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
