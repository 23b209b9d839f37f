package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.assertOAuthError;
import static dev.echoid.identity.it.Flows.authorize;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.challenge;
import static dev.echoid.identity.it.Flows.signIn;
import static dev.echoid.identity.it.Flows.userinfo;
import static dev.echoid.identity.it.Flows.verifier;
import static dev.echoid.identity.it.PostgresExtension.CLIENT_ID;
import static dev.echoid.identity.it.PostgresExtension.CLIENT_SECRET;
import static dev.echoid.identity.it.PostgresExtension.DEMO_PASSWORD;
import static dev.echoid.identity.it.PostgresExtension.DEMO_USER;
import static dev.echoid.identity.it.PostgresExtension.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.CapturedLog;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider WAR as it ships, deployed into Tomcat by Arquillian, against a real PostgreSQL; every case over real
 * HTTP, asserting the exact status and error.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProviderIT {

    private static final String PUBLIC_CLIENT = "spa";
    private static final String PUBLIC_REDIRECT = "https://spa.example/cb";
    private static final String OTHER_CLIENT = "other";
    private static final String OTHER_SECRET = "other-secret";
    private static final ObjectMapper JSON = Flows.JSON;

    private final URI issuer = URI.create(PostgresExtension.issuer());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerMoreClients() {
        JdbcClients clients = new JdbcClients(PostgresExtension.dataSource());
        clients.createIfAbsent(Client.codeFlow(PUBLIC_CLIENT, "Single-page app", null,
                List.of(URI.create(PUBLIC_REDIRECT))));
        clients.createIfAbsent(Client.codeFlow(OTHER_CLIENT, "Other app",
                PasswordHasher.owaspDefault().hash(OTHER_SECRET), List.of(URI.create("https://other.example/cb"))));
    }

    // --- discovery and keys ---

    @Test
    void discoveryWhenFetchedThenIssuerAndEndpointsMatch() throws Exception {
        HttpResponse<String> response = new Browser().get(URI.create(issuer + "/.well-known/openid-configuration"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode metadata = JSON.readTree(response.body());
        assertThat(metadata.get("issuer").asText()).isEqualTo(issuer.toString());
        assertThat(metadata.get("authorization_endpoint").asText()).isEqualTo(issuer + "/authorize");
        assertThat(metadata.get("token_endpoint").asText()).isEqualTo(issuer + "/token");
        assertThat(metadata.get("jwks_uri").asText()).isEqualTo(issuer + "/jwks");
        assertThat(metadata.get("userinfo_endpoint").asText()).isEqualTo(issuer + "/userinfo");
        assertThat(texts(metadata.get("response_types_supported"))).containsExactly("code");
        assertThat(texts(metadata.get("code_challenge_methods_supported"))).containsExactly("S256");
        assertThat(texts(metadata.get("grant_types_supported")))
                .containsExactly("authorization_code", "client_credentials", "refresh_token");
        assertThat(metadata.get("authorization_response_iss_parameter_supported").asBoolean()).isTrue();
    }

    @Test
    void jwksWhenFetchedThenPublicRsaKeyWithKidAndNoPrivateParts() throws Exception {
        JsonNode key = JSON.readTree(new Browser().get(URI.create(issuer + "/jwks")).body()).get("keys").get(0);
        assertThat(key.get("kty").asText()).isEqualTo("RSA");
        assertThat(key.get("kid").asText()).isNotBlank();
        assertThat(key.has("d")).isFalse();
        assertThat(key.has("p")).isFalse();
    }

    @Test
    void discoveryAndJwksWhenRevalidatedWithTheirEtagThen304WithoutBody() throws Exception {
        for (String path : List.of("/.well-known/openid-configuration", "/jwks")) {
            Browser browser = new Browser();
            HttpResponse<String> first = browser.get(URI.create(issuer + path));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(first.headers().firstValue("Cache-Control")).hasValueSatisfying(
                    value -> assertThat(value).contains("max-age=300").doesNotContain("no-store"));
            String etag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(etag).as("a strong entity tag").startsWith("\"").endsWith("\"");
            JSON.readTree(first.body());

            HttpResponse<String> again = browser.get(URI.create(issuer + path));
            assertThat(again.body()).as("the same document, byte for byte").isEqualTo(first.body());
            assertThat(again.headers().firstValue("ETag")).hasValue(etag);

            HttpResponse<String> revalidated = browser.get(URI.create(issuer + path), "If-None-Match", etag);
            assertThat(revalidated.statusCode()).isEqualTo(304);
            assertThat(revalidated.body()).isEmpty();
            assertThat(revalidated.headers().firstValue("ETag")).hasValue(etag);
            assertThat(browser.get(URI.create(issuer + path), "If-None-Match", "W/" + etag).statusCode())
                    .as("If-None-Match compares weakly").isEqualTo(304);

            HttpResponse<String> otherTag = browser.get(URI.create(issuer + path), "If-None-Match", "\"other\"");
            assertThat(otherTag.statusCode()).isEqualTo(200);
            assertThat(otherTag.body()).isEqualTo(first.body());

            HttpResponse<String> head = browser.send(HttpRequest.newBuilder(URI.create(issuer + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("ETag")).hasValue(etag);
            assertThat(head.headers().firstValue("Content-Length"))
                    .hasValue(Integer.toString(first.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));

            // other methods are the JAX-RS resource's, as before: 405 with Allow and an OAuth error body
            HttpResponse<String> post = browser.send(HttpRequest.newBuilder(URI.create(issuer + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertOAuthError(post, 405, "invalid_request");
            assertThat(post.headers().firstValue("Allow")).hasValueSatisfying(
                    allow -> assertThat(allow).contains("GET"));
        }
    }

    // --- authorization endpoint: errors before the redirect URI is trusted are pages, never redirects ---

    @Test
    void authorizeWhenClientUnknownThenErrorPageAndNoRedirect() {
        HttpResponse<String> response = new Browser().get(authorize(Map.of("client_id", "nobody")),
                "Accept", "text/html");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).contains("not known here");
    }

    @Test
    void authorizeWhenRedirectUriNotRegisteredThenErrorPageAndNoRedirect() {
        HttpResponse<String> response = new Browser().get(authorize(Map.of(
                "redirect_uri", "https://evil.example/steal")));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.body()).contains("redirect_uri is not registered").doesNotContain("evil.example");
    }

    @Test
    void authorizeWhenResponseTypeTokenThenRedirectWithUnsupportedResponseTypeStateAndIss() {
        HttpResponse<String> response = new Browser().get(authorize(Map.of("response_type", "token")));
        assertThat(response.statusCode()).isEqualTo(302);
        URI location = Browser.location(response);
        assertThat(location.toString()).startsWith(REDIRECT_URI + "?");
        assertThat(Browser.query(location)).containsEntry("error", "unsupported_response_type")
                .containsEntry("state", "st-1")
                .containsEntry("iss", issuer.toString())
                .containsKey("error_description");
    }

    @Test
    void authorizeWhenPublicClientSendsNoPkceThenRedirectWithInvalidRequest() {
        HttpResponse<String> response = new Browser().get(authorize(Map.of(
                "client_id", PUBLIC_CLIENT, "redirect_uri", PUBLIC_REDIRECT)));
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(Browser.query(Browser.location(response))).containsEntry("error", "invalid_request")
                .containsEntry("error_description", "code_challenge is required for public clients (PKCE, S256)");
    }

    @Test
    void authorizeWhenPkcePlainThenRedirectWithInvalidRequest() {
        HttpResponse<String> response = new Browser().get(authorize(Map.of(
                "code_challenge", "a".repeat(43), "code_challenge_method", "plain")));
        assertThat(Browser.query(Browser.location(response))).containsEntry("error", "invalid_request")
                .containsEntry("error_description", "code_challenge_method must be S256");
    }

    @Test
    void authorizeWhenPromptNoneWithoutSessionThenLoginRequired() {
        HttpResponse<String> response = new Browser().get(authorize(Map.of("prompt", "none")));
        assertThat(Browser.query(Browser.location(response))).containsEntry("error", "login_required")
                .containsEntry("state", "st-1");
    }

    // --- login page ---

    @Test
    void loginWhenPasswordWrongOrUserUnknownThenSameMessageAndNoRedirect() {
        for (String[] credentials : new String[][] {{DEMO_USER, "wrong"}, {"nobody-here", "wrong"}}) {
            Browser browser = new Browser();
            HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
            HttpResponse<String> answer = browser.submit(page, "login", Map.of(
                    "login:username", credentials[0], "login:password", credentials[1]), "login:submit");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("The user name or password is incorrect.");
            assertThat(answer.headers().firstValue("Location")).isEmpty();
        }
    }

    @Test
    void loginWhenFormPostedWithoutViewStateThenRejected() {
        Browser browser = new Browser();
        URI loginPage = Browser.location(browser.get(authorize(Map.of())));
        browser.get(loginPage);
        // a forged cross-site POST has no valid view state: no code may come out of it
        HttpResponse<String> forged = browser.postForm(URI.create(loginPage.toString().replaceAll("\\?.*", "")),
                Map.of("login", "login", "login:username", DEMO_USER, "login:password", DEMO_PASSWORD,
                        "login:submit", "Sign in", "jakarta.faces.ViewState", "forged"));
        assertThat(forged.headers().firstValue("Location").orElse("")).doesNotContain("code=");
    }

    @Test
    void loginWhenViewStateAlteredThenExpiredPageAndNoStackTraceInTheLog() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
        // the form as the page gave it (its anti-forgery token included), but for the view state: the pages are
        // stateless, so another value can only be altered, and Mojarra fails to restore the view
        try (CapturedLog log = CapturedLog.open()) {
            HttpResponse<String> altered = browser.submit(page, "login", Map.of("login:username", DEMO_USER,
                    "login:password", DEMO_PASSWORD, "jakarta.faces.ViewState", "altered"), "login:submit");
            assertThat(altered.statusCode()).as(altered.body()).isEqualTo(400);
            assertThat(altered.body()).contains("Your sign-in page expired");
            assertThat(altered.headers().firstValue("Location")).isEmpty();
            // one altered request, one access-log line: not a stack trace anyone can have written at will
            assertThat(log.severeTraces()).as("stack traces logged for an altered view state").isEmpty();
        }
    }

    @Test
    void loginWhenRequestIdUnknownThenReadableMessage() {
        HttpResponse<String> page = new Browser().get(URI.create(issuer + "/login.xhtml?request=%3Cscript%3E"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("This sign-in link is not valid").doesNotContain("<script>");
    }

    // --- the code flow ---

    @Test
    void codeFlowWhenSignedInThenTokensVerifyAgainstJwksAndUserinfoAnswers() throws Exception {
        String verifier = verifier();
        Map<String, String> callback = signIn(Map.of("nonce", "n-42", "code_challenge", challenge(verifier),
                "code_challenge_method", "S256"));
        assertThat(callback).containsEntry("state", "st-1").containsEntry("iss", issuer.toString());
        assertThat(callback.get("code")).hasSizeGreaterThanOrEqualTo(22); // >= 128 bits, base64url

        HttpResponse<String> response = token(basic(CLIENT_ID, CLIENT_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", REDIRECT_URI,
                "code_verifier", verifier));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isPositive();

        DecodedJWT idToken = verifyWithJwks(body.get("id_token").asText());
        assertThat(idToken.getIssuer()).isEqualTo(issuer.toString());
        assertThat(idToken.getAudience()).containsExactly(CLIENT_ID);
        assertThat(idToken.getClaim("nonce").asString()).isEqualTo("n-42");
        assertThat(idToken.getClaim("auth_time").asLong()).isPositive();
        assertThat(idToken.getExpiresAtAsInstant()).isAfter(idToken.getIssuedAtAsInstant());

        HttpResponse<String> userinfo = new Browser().get(URI.create(issuer + "/userinfo"),
                "Authorization", "Bearer " + body.get("access_token").asText());
        assertThat(userinfo.statusCode()).isEqualTo(200);
        JsonNode claims = JSON.readTree(userinfo.body());
        assertThat(claims.get("sub").asText()).isEqualTo(idToken.getSubject());
        assertThat(claims.get("preferred_username").asText()).isEqualTo(DEMO_USER);
    }

    @Test
    void tokenWhenClientSecretPostThenTokensIssued() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        HttpResponse<String> response = token(null, Map.of("grant_type", "authorization_code",
                "code", callback.get("code"), "redirect_uri", REDIRECT_URI,
                "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).has("id_token")).isTrue();
    }

    @Test
    void tokenWhenPublicClientWithPkceThenTokensIssuedWithoutSecret() throws Exception {
        String verifier = verifier();
        Map<String, String> callback = signIn(Map.of("client_id", PUBLIC_CLIENT, "redirect_uri", PUBLIC_REDIRECT,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> response = token(null, Map.of("grant_type", "authorization_code",
                "code", callback.get("code"), "redirect_uri", PUBLIC_REDIRECT, "client_id", PUBLIC_CLIENT,
                "code_verifier", verifier));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(verifyWithJwks(JSON.readTree(response.body()).get("id_token").asText()).getAudience())
                .containsExactly(PUBLIC_CLIENT);
    }

    @Test
    void tokenWhenCodeReusedThenInvalidGrantAndFirstAccessTokenRevoked() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT_URI);
        HttpResponse<String> first = token(basic(CLIENT_ID, CLIENT_SECRET), form);
        assertThat(first.statusCode()).isEqualTo(200);
        String accessToken = JSON.readTree(first.body()).get("access_token").asText();
        assertThat(userinfo(accessToken).statusCode()).isEqualTo(200);

        HttpResponse<String> second = token(basic(CLIENT_ID, CLIENT_SECRET), form);
        assertOAuthError(second, 400, "invalid_grant");
        // RFC 6749 §4.1.2: tokens issued from a replayed code are revoked
        HttpResponse<String> afterReplay = userinfo(accessToken);
        assertThat(afterReplay.statusCode()).isEqualTo(401);
        assertThat(afterReplay.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer error=\"invalid_token\""));
        assertThat(auditTypes()).contains("CODE_REUSED");
    }

    @Test
    void tokenWhenTwentyConcurrentRedemptionsThenExactlyOneSucceeds() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", REDIRECT_URI);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return token(basic(CLIENT_ID, CLIENT_SECRET), form);
                }));
            }
            start.countDown();
            int ok = 0;
            int invalidGrant = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                if (response.statusCode() == 200) {
                    ok++;
                } else if (response.statusCode() == 400
                        && JSON.readTree(response.body()).get("error").asText().equals("invalid_grant")) {
                    invalidGrant++;
                }
            }
            assertThat(ok).isEqualTo(1);
            assertThat(invalidGrant).isEqualTo(19);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tokenWhenCodeExpiredThenInvalidGrant() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            // the 60-second lifetime, passed: move this code's expiry into the past
            statement.executeUpdate("UPDATE authorization_code SET expires_at = now() - interval '1 second' "
                    + "WHERE redeemed_at IS NULL AND issued_at > now() - interval '1 minute'");
        }
        HttpResponse<String> response = token(basic(CLIENT_ID, CLIENT_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", REDIRECT_URI));
        assertOAuthError(response, 400, "invalid_grant");
        assertThat(JSON.readTree(response.body()).get("error_description").asText()).contains("expired");
    }

    @Test
    void tokenWhenRedirectUriDiffersThenInvalidGrant() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        HttpResponse<String> response = token(basic(CLIENT_ID, CLIENT_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", "https://echo.example/other"));
        assertOAuthError(response, 400, "invalid_grant");
    }

    @Test
    void tokenWhenCodeIssuedToAnotherClientThenInvalidGrant() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        HttpResponse<String> response = token(basic(OTHER_CLIENT, OTHER_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", REDIRECT_URI));
        assertOAuthError(response, 400, "invalid_grant");
    }

    @Test
    void tokenWhenPkceVerifierDoesNotMatchThenInvalidGrant() throws Exception {
        Map<String, String> callback = signIn(Map.of("code_challenge", challenge(verifier()),
                "code_challenge_method", "S256"));
        HttpResponse<String> response = token(basic(CLIENT_ID, CLIENT_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", REDIRECT_URI,
                "code_verifier", verifier()));
        assertOAuthError(response, 400, "invalid_grant");
        assertThat(JSON.readTree(response.body()).get("error_description").asText())
                .isEqualTo("code_verifier does not match the code_challenge");
    }

    @Test
    void tokenWhenClientUnknownThenInvalidClient401WithChallenge() throws Exception {
        HttpResponse<String> response = token(basic("nobody", "x"), Map.of("grant_type", "authorization_code",
                "code", "x", "redirect_uri", REDIRECT_URI));
        assertOAuthError(response, 401, "invalid_client");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"identity\"");
    }

    @Test
    void tokenWhenSecretWrongThenInvalidClient401AndAudited() throws Exception {
        HttpResponse<String> response = token(basic(CLIENT_ID, "wrong"), Map.of("grant_type", "authorization_code",
                "code", "x", "redirect_uri", REDIRECT_URI));
        assertOAuthError(response, 401, "invalid_client");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(auditTypes()).contains("CLIENT_AUTHENTICATION_FAILED");
    }

    @Test
    void tokenWhenGrantTypeMissingOrUnknownThenInvalidRequestOrUnsupportedGrantType() throws Exception {
        assertOAuthError(token(basic(CLIENT_ID, CLIENT_SECRET), Map.of("code", "x")), 400, "invalid_request");
        assertOAuthError(token(basic(CLIENT_ID, CLIENT_SECRET), Map.of("grant_type", "password")), 400,
                "unsupported_grant_type");
    }

    @Test
    void tokenWhenParameterRepeatedThenInvalidRequestNamingIt() throws Exception {
        HttpResponse<String> response = new Browser().send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Authorization", basic(CLIENT_ID, CLIENT_SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=a&code=b"))
                .build());
        assertOAuthError(response, 400, "invalid_request");
        assertThat(JSON.readTree(response.body()).get("error_description").asText()).contains("'code'");
    }

    @Test
    void tokenWhenGetOrJsonBodyThenJsonErrorNotServerError() throws Exception {
        HttpResponse<String> get = new Browser().get(URI.create(issuer + "/token"));
        assertOAuthError(get, 405, "invalid_request");
        HttpResponse<String> json = new Browser().send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"authorization_code\"}"))
                .build());
        assertOAuthError(json, 415, "invalid_request");
    }

    @Test
    void userinfoWhenNoTokenThenChallengeWithoutErrorCode() {
        HttpResponse<String> response = new Browser().get(URI.create(issuer + "/userinfo"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer realm=").doesNotContain("error="));
    }

    @Test
    void auditWhenFlowRunsThenEventsRecordedWithClientUserAndAddress() throws Exception {
        Map<String, String> callback = signIn(Map.of());
        token(basic(CLIENT_ID, CLIENT_SECRET), Map.of("grant_type", "authorization_code", "code",
                callback.get("code"), "redirect_uri", REDIRECT_URI));
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT event_type, outcome, client_id, user_id, "
                        + "remote_address FROM audit_event WHERE event_type IN ('LOGIN_SUCCEEDED', 'CODE_ISSUED', "
                        + "'CODE_REDEEMED') ORDER BY id DESC LIMIT 3")) {
            List<String> types = new ArrayList<>();
            while (rows.next()) {
                types.add(rows.getString("event_type"));
                assertThat(rows.getString("outcome")).isEqualTo("success");
                assertThat(rows.getString("client_id")).isEqualTo(CLIENT_ID);
                assertThat(rows.getObject("user_id")).isNotNull();
                assertThat(rows.getString("remote_address")).isNotBlank();
            }
            assertThat(types).containsExactly("CODE_REDEEMED", "CODE_ISSUED", "LOGIN_SUCCEEDED");
        }
    }

    @Test
    void responsesWhenAnyPageThenSecurityHeadersAndNoSessionIdInUrl() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("frame-ancestors 'none'").doesNotContain("unsafe-inline"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).doesNotContain("jsessionid").doesNotContain("<script");
        // the login form's state is bound to this browser by IDENTITY_LOGIN; every provider cookie is HttpOnly
        assertThat(browser.cookies().getCookieStore().getCookies())
                .anySatisfy(cookie -> assertThat(cookie.getName()).isEqualTo("IDENTITY_LOGIN"))
                .allSatisfy(cookie -> assertThat(cookie.isHttpOnly()).as(cookie.getName()).isTrue());
    }

    // --- helpers ---

    private HttpResponse<String> token(String authorization, Map<String, String> form) {
        return Flows.post("token", authorization, form);
    }

    private DecodedJWT verifyWithJwks(String jwt) throws Exception {
        DecodedJWT decoded = JWT.decode(jwt);
        JsonNode keys = JSON.readTree(new Browser().get(URI.create(issuer + "/jwks")).body()).get("keys");
        for (JsonNode key : keys) {
            if (key.get("kid").asText().equals(decoded.getKeyId())) {
                RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(unsigned(key.get("n").asText()), unsigned(key.get("e").asText())));
                return JWT.require(Algorithm.RSA256(publicKey, null)).withIssuer(issuer.toString()).build()
                        .verify(jwt);
            }
        }
        throw new AssertionError("kid " + decoded.getKeyId() + " not in the JWKS");
    }

    private static List<String> auditTypes() throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT event_type FROM audit_event")) {
            while (rows.next()) {
                types.add(rows.getString(1));
            }
        }
        return types;
    }

    private static BigInteger unsigned(String base64Url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64Url));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
