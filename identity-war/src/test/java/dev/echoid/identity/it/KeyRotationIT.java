package dev.echoid.identity.it;

import static dev.echoid.identity.it.PostgresExtension.ADMIN_TOKEN;
import static dev.echoid.identity.it.PostgresExtension.CLIENT_ID;
import static dev.echoid.identity.it.PostgresExtension.CLIENT_SECRET;
import static dev.echoid.identity.it.PostgresExtension.DEMO_PASSWORD;
import static dev.echoid.identity.it.PostgresExtension.DEMO_USER;
import static dev.echoid.identity.it.PostgresExtension.KEY_PUBLISH_DELAY_SECONDS;
import static dev.echoid.identity.it.PostgresExtension.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.JdbcSigningKeyStore;
import dev.echoid.identity.grant.TokenResponseIssuer;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.JdbcAccessTokens;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcGrants;
import dev.echoid.identity.store.JdbcRefreshTokens;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.JwtIssuer;
import dev.echoid.testkit.Browser;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signing-key rotation over real HTTP against the WAR in Tomcat and PostgreSQL, with a publish delay of
 * {@value PostgresExtension#KEY_PUBLISH_DELAY_SECONDS} s: the admin endpoints, a new key published before it signs,
 * tokens from the old key still verifying, the ES256 key, and a rotation made by another node.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class KeyRotationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHALLENGE = "Bearer realm=\"identity-admin\"";

    private final URI issuer = URI.create(PostgresExtension.issuer());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    // --- the admin endpoints refuse without the token ---

    @Test
    void adminWhenNoTokenThen401WithChallengeAndNoErrorCode() {
        HttpResponse<String> list = new Browser().get(URI.create(issuer + "/admin/keys"));
        assertThat(list.statusCode()).isEqualTo(401);
        assertThat(list.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE);

        HttpResponse<String> rotate = post("/admin/keys/rotate?alg=RS256", null);
        assertThat(rotate.statusCode()).isEqualTo(401);
        assertThat(rotate.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE);
    }

    @Test
    void adminWhenWrongTokenThen401AndNoKeyAdded() throws Exception {
        int before = keyRows();
        for (String authorization : List.of("Bearer wrong", "Bearer " + ADMIN_TOKEN + "x",
                "Basic " + ADMIN_TOKEN, ADMIN_TOKEN)) {
            HttpResponse<String> rotate = post("/admin/keys/rotate?alg=RS256", authorization);
            assertThat(rotate.statusCode()).as(authorization).isEqualTo(401);
            assertThat(rotate.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith(CHALLENGE));
        }
        assertThat(new Browser().get(URI.create(issuer + "/admin/keys"), "Authorization", "Bearer wrong")
                .statusCode()).isEqualTo(401);
        assertThat(keyRows()).isEqualTo(before);
    }

    @Test
    void rotateWhenAlgMissingUnsupportedOrRepeatedThenInvalidRequest() throws Exception {
        for (String query : List.of("", "?alg=HS256", "?alg=none", "?alg=RS256&alg=ES256")) {
            HttpResponse<String> response = post("/admin/keys/rotate" + query, "Bearer " + ADMIN_TOKEN);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("invalid_request");
        }
    }

    // --- keys and discovery ---

    @Test
    void jwksWhenStartedThenEcP256KeyPublishedWithThumbprintKid() throws Exception {
        JsonNode ec = null;
        for (JsonNode key : jwks()) {
            if (key.get("kty").asText().equals("EC")) {
                ec = key;
            }
            assertThat(key.has("d")).isFalse();
        }
        assertThat(ec).as("an EC key in the JWKS").isNotNull();
        assertThat(ec.get("crv").asText()).isEqualTo("P-256");
        assertThat(ec.get("alg").asText()).isEqualTo("ES256");
        assertThat(ec.get("use").asText()).isEqualTo("sig");
        assertThat(Base64.getUrlDecoder().decode(ec.get("x").asText())).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode(ec.get("y").asText())).hasSize(32);
        // RFC 7638 §3.2, computed here from the published members
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + ec.get("x").asText() + "\",\"y\":\""
                + ec.get("y").asText() + "\"}";
        assertThat(ec.get("kid").asText()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8))));

        JsonNode metadata = JSON.readTree(new Browser().get(URI.create(issuer + "/.well-known/openid-configuration"))
                .body());
        assertThat(texts(metadata.get("id_token_signing_alg_values_supported"))).containsExactly("RS256", "ES256");
    }

    @Test
    void adminKeysWhenAuthorizedThenListWithoutPrivatePartsAndNotCached() throws Exception {
        HttpResponse<String> response = new Browser().get(URI.create(issuer + "/admin/keys"),
                "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode keys = JSON.readTree(response.body()).get("keys");
        List<String> algorithms = new ArrayList<>();
        for (JsonNode key : keys) {
            assertThat(key.has("kid") && key.has("alg") && key.has("status") && key.has("not_before")).isTrue();
            assertThat(Instant.parse(key.get("not_before").asText())).isNotNull();
            assertThat(key.has("private_key") || key.has("d") || key.has("public_key")).isFalse();
            if (key.get("status").asText().equals("active")) {
                algorithms.add(key.get("alg").asText());
            }
        }
        assertThat(algorithms).containsExactlyInAnyOrder("RS256", "ES256");
    }

    // --- rotation ---

    @Test
    void rotateThenNewKeyPublishedAtOnceSignsAfterTheDelayAndOldTokensStillVerify() throws Exception {
        // before: tokens signed by the current key
        Map<String, String> earlier = redeem(signIn());
        String old = JWT.decode(earlier.get("id_token")).getKeyId();
        String code = signIn();
        String etagBefore = new Browser().get(URI.create(issuer + "/jwks")).headers().firstValue("ETag")
                .orElseThrow();

        HttpResponse<String> rotated = post("/admin/keys/rotate?alg=RS256", "Bearer " + ADMIN_TOKEN);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        assertThat(rotated.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode created = JSON.readTree(rotated.body());
        String upcoming = created.get("kid").asText();
        Instant notBefore = Instant.parse(created.get("not_before").asText());
        assertThat(created.get("alg").asText()).isEqualTo("RS256");
        assertThat(upcoming).isNotEqualTo(old);

        // published at once, next to the key that still signs
        assertThat(kids(jwks())).contains(upcoming, old);
        // a relying party revalidating the JWKS it cached before the rotation gets the new one, not 304
        HttpResponse<String> revalidated = new Browser().get(URI.create(issuer + "/jwks"), "If-None-Match",
                etagBefore);
        assertThat(revalidated.statusCode()).isEqualTo(200);
        assertThat(revalidated.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etagBefore);
        assertThat(kids(JSON.readTree(revalidated.body()).get("keys"))).contains(upcoming, old);
        Map<String, String> during = redeem(code);
        assertThat(Instant.now()).as("the code was redeemed within the publish delay").isBefore(notBefore);
        assertThat(JWT.decode(during.get("id_token")).getKeyId()).isEqualTo(old);

        // a second call returns the same upcoming key instead of adding one
        HttpResponse<String> again = post("/admin/keys/rotate?alg=RS256", "Bearer " + ADMIN_TOKEN);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("kid").asText()).isEqualTo(upcoming);

        waitUntil(notBefore);
        Map<String, String> after = redeem(signIn());
        assertThat(JWT.decode(after.get("id_token")).getKeyId()).isEqualTo(upcoming);
        assertThat(JWT.decode(after.get("access_token")).getKeyId()).isEqualTo(upcoming);
        verifyWithJwks(after.get("id_token"));

        // the old key still verifies what it signed
        assertThat(kids(jwks())).contains(upcoming, old);
        verifyWithJwks(earlier.get("id_token"));
        verifyWithJwks(during.get("id_token"));
        assertThat(userinfo(earlier.get("access_token")).statusCode()).isEqualTo(200);
        assertThat(userinfo(after.get("access_token")).statusCode()).isEqualTo(200);

        Map<String, String> statuses = statuses();
        assertThat(statuses).containsEntry(upcoming, "active").containsEntry(old, "retiring");
    }

    @Test
    void rotateWhenEs256ThenNewEcKeyPublishedAndActiveAfterTheDelay() throws Exception {
        HttpResponse<String> rotated = post("/admin/keys/rotate?alg=ES256", "Bearer " + ADMIN_TOKEN);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(rotated.body());
        String kid = created.get("kid").asText();
        assertThat(created.get("alg").asText()).isEqualTo("ES256");
        assertThat(statuses()).containsEntry(kid, "upcoming");
        assertThat(jwks()).anySatisfy(key -> {
            assertThat(key.get("kid").asText()).isEqualTo(kid);
            assertThat(key.get("kty").asText()).isEqualTo("EC");
        });
        waitUntil(Instant.parse(created.get("not_before").asText()));
        assertThat(statuses()).containsEntry(kid, "active");
    }

    @Test
    void userinfoWhenAnotherNodeRotatedThenItsTokensAreAcceptedAfterAReload() throws Exception {
        // another node: same database, its own keys in memory
        IdentitySettings settings = IdentitySettings.from(SettingsSource.standard(name -> null));
        SigningKeys otherNode = new SigningKeys(new JdbcSigningKeyStore(PostgresExtension.dataSource()),
                settings.keyEncryptionKey(), Clock.systemUTC(), Duration.ofSeconds(KEY_PUBLISH_DELAY_SECONDS),
                settings.maxTokenLifetime()).initialize();
        SigningKeys.Rotation rotation = otherNode.rotate("RS256");
        waitUntil(rotation.key().notBefore());
        User ada = new JdbcUsers(PostgresExtension.dataSource()).findByUsername(DEMO_USER).orElseThrow();
        // the other node issues (and records) tokens the way every node does
        javax.sql.DataSource db = PostgresExtension.dataSource();
        Client echo = new JdbcClients(db).find(CLIENT_ID).orElseThrow();
        Grant grant = new Grant(java.util.UUID.randomUUID(), CLIENT_ID, ada.id(), null, "openid", Instant.now(),
                Instant.now(), Instant.now().plus(Duration.ofDays(1)), null);
        new JdbcGrants(db).create(grant);
        TokenResponseIssuer responses = new TokenResponseIssuer(new JwtIssuer(settings, otherNode,
                Clock.systemUTC()), new JdbcAccessTokens(db),
                Duration.ofDays(1), Clock.systemUTC());
        String accessToken = (String) new dev.echoid.identity.store.JdbcTransactions(db).inTransaction(tx -> responses
                .issue(tx, grant, echo, ada, Scope.of("openid"), null, java.util.List.of())).get("access_token");
        assertThat(JWT.decode(accessToken).getKeyId()).isEqualTo(rotation.key().kid());

        // an unknown kid makes this node reload, at most once per 5 s
        Instant deadline = Instant.now().plusSeconds(8);
        int status = userinfo(accessToken).statusCode();
        while (status != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            status = userinfo(accessToken).statusCode();
        }
        assertThat(status).isEqualTo(200);
        assertThat(kids(jwks())).contains(rotation.key().kid());
    }

    // --- helpers ---

    private HttpResponse<String> post(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return new Browser().send(request.build());
    }

    /** Authorize and sign in as the demo user; the code sent back to the client. */
    private String signIn() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", CLIENT_ID);
        params.put("redirect_uri", REDIRECT_URI);
        params.put("scope", "openid profile");
        params.put("state", "st-1");
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(
                URI.create(issuer + "/authorize?" + Browser.formEncode(params)))));
        HttpResponse<String> back = browser.submit(page, "login", Map.of(
                "login:username", DEMO_USER, "login:password", DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).as("login -> client").isEqualTo(302);
        return Browser.query(Browser.location(back)).get("code");
    }

    private Map<String, String> redeem(String code) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = new Browser().postForm(URI.create(issuer + "/token"), Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT_URI),
                "Authorization", basic);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        return Map.of("id_token", body.get("id_token").asText(), "access_token", body.get("access_token").asText());
    }

    private HttpResponse<String> userinfo(String accessToken) {
        return new Browser().get(URI.create(issuer + "/userinfo"), "Authorization", "Bearer " + accessToken);
    }

    private JsonNode jwks() throws Exception {
        return JSON.readTree(new Browser().get(URI.create(issuer + "/jwks")).body()).get("keys");
    }

    private Map<String, String> statuses() throws Exception {
        JsonNode keys = JSON.readTree(new Browser().get(URI.create(issuer + "/admin/keys"),
                "Authorization", "Bearer " + ADMIN_TOKEN).body()).get("keys");
        Map<String, String> statuses = new LinkedHashMap<>();
        keys.forEach(key -> statuses.put(key.get("kid").asText(), key.get("status").asText()));
        return statuses;
    }

    private DecodedJWT verifyWithJwks(String jwt) throws Exception {
        String kid = JWT.decode(jwt).getKeyId();
        for (JsonNode key : jwks()) {
            if (key.get("kid").asText().equals(kid)) {
                RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(unsigned(key.get("n").asText()), unsigned(key.get("e").asText())));
                return JWT.require(Algorithm.RSA256(publicKey, null)).withIssuer(issuer.toString()).build()
                        .verify(jwt);
            }
        }
        throw new AssertionError("kid " + kid + " not in the JWKS");
    }

    private static void waitUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis() + 100;
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static int keyRows() throws Exception {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM signing_key")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static List<String> kids(JsonNode keys) {
        List<String> kids = new ArrayList<>();
        keys.forEach(key -> kids.add(key.get("kid").asText()));
        return kids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static BigInteger unsigned(String base64Url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64Url));
    }
}
