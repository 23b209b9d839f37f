package dev.echoid.identity.it;

import static dev.echoid.identity.it.PostgresExtension.CLIENT_ID;
import static dev.echoid.identity.it.PostgresExtension.CLIENT_SECRET;
import static dev.echoid.identity.it.PostgresExtension.DEMO_PASSWORD;
import static dev.echoid.identity.it.PostgresExtension.DEMO_USER;
import static dev.echoid.identity.it.PostgresExtension.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The moves the provider's integration tests make over real HTTP: authorize, sign in, call the token endpoints. */
final class Flows {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Flows() {
    }

    /** The provider WAR as the build made it, for each IT's Arquillian deployment. */
    static org.jboss.shrinkwrap.api.spec.WebArchive identityWar() {
        return org.jboss.shrinkwrap.api.ShrinkWrap.create(org.jboss.shrinkwrap.api.importer.ZipImporter.class,
                "identity.war")
                .importFrom(new java.io.File(System.getProperty("identity.war", "target/identity.war")))
                .as(org.jboss.shrinkwrap.api.spec.WebArchive.class);
    }

    static URI issuer() {
        return URI.create(PostgresExtension.issuer());
    }

    static URI endpoint(String path) {
        return URI.create(issuer() + "/" + path);
    }

    /** An authorization request of the echo client, with the given parameters changed or added. */
    static URI authorize(Map<String, String> overrides) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", CLIENT_ID);
        params.put("redirect_uri", REDIRECT_URI);
        params.put("scope", "openid profile email");
        params.put("state", "st-1");
        params.putAll(overrides);
        return URI.create(issuer() + "/authorize?" + Browser.formEncode(params));
    }

    /** Authorize, sign in as the demo user, and return the parameters of the redirect back to the client. */
    static Map<String, String> signIn(Map<String, String> overrides) {
        return signIn(new Browser(), overrides);
    }

    static Map<String, String> signIn(Browser browser, Map<String, String> overrides) {
        HttpResponse<String> toLogin = browser.get(authorize(overrides));
        assertThat(toLogin.statusCode()).as("authorize -> login page").isEqualTo(302);
        HttpResponse<String> page = browser.get(Browser.location(toLogin));
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> back = browser.submit(page, "login", Map.of(
                "login:username", DEMO_USER, "login:password", DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).as("login -> client").isEqualTo(302);
        return Browser.query(Browser.location(back));
    }

    /** Signs in and redeems the code as the echo client; the token response's JSON. */
    static JsonNode signInAndRedeem(Map<String, String> overrides) {
        Map<String, String> callback = signIn(overrides);
        HttpResponse<String> response = post("token", basic(CLIENT_ID, CLIENT_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", REDIRECT_URI));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    /** A form POST to an endpoint under the issuer, with an Authorization header unless it is null. */
    static HttpResponse<String> post(String path, String authorization, Map<String, String> form) {
        return authorization == null
                ? new Browser().postForm(endpoint(path), form)
                : new Browser().postForm(endpoint(path), form, "Authorization", authorization);
    }

    static HttpResponse<String> userinfo(String accessToken) {
        return new Browser().get(endpoint("userinfo"), "Authorization", "Bearer " + accessToken);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertOAuthError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(json(response).get("error").asText()).isEqualTo(error);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    /** RFC 6749 §2.3.1: each part form-urlencoded, then base64. */
    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    static String echoClient() {
        return basic(CLIENT_ID, CLIENT_SECRET);
    }

    static String verifier() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Computed here, not with the provider's own Pkce class. */
    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
