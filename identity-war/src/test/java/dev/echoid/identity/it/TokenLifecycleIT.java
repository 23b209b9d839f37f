package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.assertOAuthError;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.echoClient;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static dev.echoid.identity.it.Flows.signIn;
import static dev.echoid.identity.it.Flows.signInAndRedeem;
import static dev.echoid.identity.it.Flows.userinfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Refresh (RFC 6749 §6, rotation and reuse detection per RFC 9700 §4.14), revocation (RFC 7009), introspection
 * (RFC 7662) and client_credentials (RFC 6749 §4.4), over real HTTP against the deployed WAR and PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TokenLifecycleIT {

    private static final String SERVICE = "reporting-service";
    private static final String SERVICE_SECRET = "service-secret";
    private static final String NO_REFRESH = "no-refresh-app";
    private static final String NO_REFRESH_SECRET = "no-refresh-secret";
    private static final String NO_REFRESH_REDIRECT = "https://no-refresh.example/cb";
    private static final String SPA = "lifecycle-spa";
    private static final String ES256_APP = "es256-app";
    private static final String ES256_SECRET = "es256-secret";
    private static final String ES256_REDIRECT = "https://es256.example/cb";
    private static final String EVERY_CLIENT_RS = "every-client-rs";
    private static final String EVERY_CLIENT_RS_SECRET = "every-client-rs-secret";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerClients() {
        JdbcClients clients = new JdbcClients(PostgresExtension.dataSource());
        PasswordHasher hasher = PasswordHasher.owaspDefault();
        // a resource server of echo's API: it may introspect echo's access tokens (RFC 7662 §4)
        clients.createIfAbsent(new Client(SERVICE, "Reporting service", hasher.hash(SERVICE_SECRET), List.of(), true,
                Set.of(Client.CLIENT_CREDENTIALS), List.of(), null, "RS256", false, false, Client.WEB, List.of("echo")));
        clients.createIfAbsent(new Client(NO_REFRESH, "No refresh", hasher.hash(NO_REFRESH_SECRET),
                List.of(URI.create(NO_REFRESH_REDIRECT)), true, Set.of(Client.AUTHORIZATION_CODE), List.of(), null,
                "RS256", false));
        clients.createIfAbsent(new Client(ES256_APP, "ES256 app", hasher.hash(ES256_SECRET),
                List.of(URI.create(ES256_REDIRECT)), true, Set.of(Client.AUTHORIZATION_CODE), List.of(), null,
                "ES256", false));
        clients.createIfAbsent(new Client(EVERY_CLIENT_RS, "Resource server for all", hasher.hash(
                EVERY_CLIENT_RS_SECRET), List.of(), true, Set.of(Client.CLIENT_CREDENTIALS), List.of(), null, "RS256",
                false, false, Client.WEB, List.of(Client.ANY_CLIENT)));
        clients.createIfAbsent(new Client(SPA, "SPA", null, List.of(URI.create("https://spa.example/cb")), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN, Client.CLIENT_CREDENTIALS), List.of(), null,
                "RS256", false));
    }

    // --- refresh ---

    @Test
    void refreshWhenUsedThenRotatedAndNewTokensWork() {
        JsonNode first = signInAndRedeem(Map.of("nonce", "n-1"));
        String refresh1 = first.get("refresh_token").asText();
        assertThat(refresh1).hasSizeGreaterThanOrEqualTo(43); // >= 256 bits, base64url

        HttpResponse<String> response = refresh(echoClient(), refresh1, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode second = json(response);
        assertThat(second.get("refresh_token").asText()).isNotEqualTo(refresh1);
        assertThat(userinfo(second.get("access_token").asText()).statusCode()).isEqualTo(200);

        DecodedJWT before = JWT.decode(first.get("id_token").asText());
        DecodedJWT after = JWT.decode(second.get("id_token").asText());
        // OIDC Core §12.2: same sub and auth_time, no nonce
        assertThat(after.getSubject()).isEqualTo(before.getSubject());
        assertThat(after.getClaim("auth_time").asLong()).isEqualTo(before.getClaim("auth_time").asLong());
        assertThat(after.getClaim("nonce").isMissing()).isTrue();
    }

    @Test
    void refreshWhenRotatedTokenReusedThenWholeGrantRevoked() {
        JsonNode first = signInAndRedeem(Map.of());
        String refresh1 = first.get("refresh_token").asText();
        JsonNode second = json(refresh(echoClient(), refresh1, Map.of()));
        String refresh2 = second.get("refresh_token").asText();
        // the client goes on with its successor: refresh1 can no longer be the retry of a lost answer
        JsonNode third = json(refresh(echoClient(), refresh2, Map.of()));
        String refresh3 = third.get("refresh_token").asText();
        String access2 = second.get("access_token").asText();
        String access3 = third.get("access_token").asText();
        assertThat(userinfo(access3).statusCode()).isEqualTo(200);

        // the old token again: theft is assumed
        assertOAuthError(refresh(echoClient(), refresh1, Map.of()), 400, "invalid_grant");
        // every token of the grant stops working
        assertOAuthError(refresh(echoClient(), refresh3, Map.of()), 400, "invalid_grant");
        assertThat(userinfo(access3).statusCode()).isEqualTo(401);
        assertThat(userinfo(access2).statusCode()).isEqualTo(401);
        assertThat(userinfo(first.get("access_token").asText()).statusCode()).isEqualTo(401);
        assertThat(introspect(echoClient(), access3).get("active").asBoolean()).isFalse();
    }

    @Test
    void refreshWhenAnswerLostThenTheOldTokenAgainGetsANewPairAndTheDroppedOneDies() {
        String refresh1 = signInAndRedeem(Map.of()).get("refresh_token").asText();
        JsonNode dropped = json(refresh(echoClient(), refresh1, Map.of())); // committed; the client never saw it

        HttpResponse<String> retry = refresh(echoClient(), refresh1, Map.of());

        assertThat(retry.statusCode()).isEqualTo(200);
        JsonNode retried = json(retry);
        assertThat(retried.get("refresh_token").asText()).isNotEqualTo(dropped.get("refresh_token").asText());
        assertThat(userinfo(retried.get("access_token").asText()).statusCode()).isEqualTo(200);
        assertThat(userinfo(dropped.get("access_token").asText()).statusCode()).isEqualTo(401);
        assertThat(introspect(echoClient(), dropped.get("refresh_token").asText()).get("active").asBoolean())
                .isFalse();
        // the new pair works on
        assertThat(refresh(echoClient(), retried.get("refresh_token").asText(), Map.of()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void refreshWhenPresentedByAnotherClientThenInvalidGrant() {
        String refresh = signInAndRedeem(Map.of()).get("refresh_token").asText();
        assertOAuthError(refresh(basic(NO_REFRESH, NO_REFRESH_SECRET), refresh, Map.of()), 400, "unauthorized_client");
        assertOAuthError(refresh(basic(SERVICE, SERVICE_SECRET), refresh, Map.of()), 400, "unauthorized_client");
        // a client allowed refresh_token, but not the owner
        HttpResponse<String> spa = post("token", null, Map.of("grant_type", "refresh_token",
                "refresh_token", refresh, "client_id", SPA));
        assertOAuthError(spa, 400, "invalid_grant");
        // the owner's token was not consumed by those attempts
        assertThat(refresh(echoClient(), refresh, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void refreshWhenScopeWidenedThenInvalidScopeAndWhenNarrowedThenNarrowerTokens() {
        JsonNode tokens = signInAndRedeem(Map.of("scope", "openid profile"));
        assertOAuthError(refresh(echoClient(), tokens.get("refresh_token").asText(),
                Map.of("scope", "openid profile email")), 400, "invalid_scope");

        JsonNode again = signInAndRedeem(Map.of("scope", "openid profile"));
        JsonNode narrowed = json(refresh(echoClient(), again.get("refresh_token").asText(), Map.of("scope", "openid")));
        assertThat(narrowed.get("scope").asText()).isEqualTo("openid");
        assertThat(json(userinfo(narrowed.get("access_token").asText())).has("preferred_username")).isFalse();
    }

    @Test
    void refreshWhenIdleLifetimePassedThenInvalidGrant() throws Exception {
        String refresh = signInAndRedeem(Map.of()).get("refresh_token").asText();
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE token_hash = ?")) {
            statement.setString(1, Flows.challenge(refresh)); // base64url(SHA-256), as stored
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
        assertOAuthError(refresh(echoClient(), refresh, Map.of()), 400, "invalid_grant");
    }

    @Test
    void codeFlowWhenClientNotAllowedRefreshThenNoRefreshToken() {
        Map<String, String> callback = signIn(Map.of("client_id", NO_REFRESH, "redirect_uri", NO_REFRESH_REDIRECT));
        HttpResponse<String> response = post("token", basic(NO_REFRESH, NO_REFRESH_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", NO_REFRESH_REDIRECT));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).has("refresh_token")).isFalse();
        assertThat(json(response).has("id_token")).isTrue();
    }

    @Test
    void codeFlowWhenClientRegisteredEs256ThenIdTokenEs256VerifiedByTheJwksEcKey() throws Exception {
        Map<String, String> callback = signIn(Map.of("client_id", ES256_APP, "redirect_uri", ES256_REDIRECT,
                "nonce", "n-es"));
        HttpResponse<String> response = post("token", basic(ES256_APP, ES256_SECRET), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"), "redirect_uri", ES256_REDIRECT));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String idToken = json(response).get("id_token").asText();
        DecodedJWT header = JWT.decode(idToken);
        assertThat(header.getAlgorithm()).isEqualTo("ES256");

        JsonNode jwk = null;
        for (JsonNode key : json(new dev.echoid.testkit.Browser().get(Flows.endpoint("jwks"))).get("keys")) {
            if (key.get("kid").asText().equals(header.getKeyId())) {
                jwk = key;
            }
        }
        assertThat(jwk).as("the ID token's kid is published").isNotNull();
        assertThat(jwk.get("kty").asText()).isEqualTo("EC");
        assertThat(jwk.get("crv").asText()).isEqualTo("P-256");
        java.security.AlgorithmParameters curve = java.security.AlgorithmParameters.getInstance("EC");
        curve.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.interfaces.ECPublicKey publicKey = (java.security.interfaces.ECPublicKey)
                java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
                        new java.security.spec.ECPoint(
                                new java.math.BigInteger(1, java.util.Base64.getUrlDecoder().decode(jwk.get("x").asText())),
                                new java.math.BigInteger(1, java.util.Base64.getUrlDecoder().decode(jwk.get("y").asText()))),
                        curve.getParameterSpec(java.security.spec.ECParameterSpec.class)));
        DecodedJWT verified = JWT.require(com.auth0.jwt.algorithms.Algorithm.ECDSA256(publicKey, null))
                .withIssuer(Flows.issuer().toString()).withAudience(ES256_APP).build().verify(idToken);
        assertThat(verified.getClaim("nonce").asString()).isEqualTo("n-es");
        // access tokens stay RS256 for every client
        assertThat(JWT.decode(json(response).get("access_token").asText()).getAlgorithm()).isEqualTo("RS256");
    }

    // --- revocation ---

    @Test
    void revokeWhenRefreshTokenThenGrantEndsAndIntrospectionInactive() {
        JsonNode tokens = signInAndRedeem(Map.of());
        String refresh = tokens.get("refresh_token").asText();
        String access = tokens.get("access_token").asText();
        assertThat(introspect(echoClient(), refresh).get("active").asBoolean()).isTrue();

        HttpResponse<String> revoked = post("revoke", echoClient(), Map.of("token", refresh,
                "token_type_hint", "refresh_token"));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(revoked.headers().firstValue("Cache-Control")).hasValue("no-store");

        assertThat(introspect(echoClient(), refresh)).hasSize(1);
        assertThat(introspect(echoClient(), refresh).get("active").asBoolean()).isFalse();
        assertThat(introspect(echoClient(), access).get("active").asBoolean()).isFalse();
        assertOAuthError(refresh(echoClient(), refresh, Map.of()), 400, "invalid_grant");
        assertThat(userinfo(access).statusCode()).isEqualTo(401);
    }

    @Test
    void revokeWhenAccessTokenWithWrongHintThenOnlyThatTokenEnds() {
        JsonNode tokens = signInAndRedeem(Map.of());
        String access = tokens.get("access_token").asText();
        assertThat(post("revoke", echoClient(), Map.of("token", access, "token_type_hint", "refresh_token"))
                .statusCode()).isEqualTo(200);
        assertThat(userinfo(access).statusCode()).isEqualTo(401);
        assertThat(introspect(echoClient(), access).get("active").asBoolean()).isFalse();
        // the grant lives on: the refresh token still works
        assertThat(refresh(echoClient(), tokens.get("refresh_token").asText(), Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void revokeWhenTokenOfAnotherClientThen200ButNothingRevoked() {
        JsonNode tokens = signInAndRedeem(Map.of());
        assertThat(post("revoke", basic(SERVICE, SERVICE_SECRET), Map.of("token", tokens.get("refresh_token").asText()))
                .statusCode()).isEqualTo(200);
        assertThat(refresh(echoClient(), tokens.get("refresh_token").asText(), Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void revokeWhenUnknownTokenThen200AndWhenUnauthenticatedOrNoTokenThenErrors() {
        assertThat(post("revoke", echoClient(), Map.of("token", "no-such-token")).statusCode()).isEqualTo(200);
        assertOAuthError(post("revoke", null, Map.of("token", "x")), 401, "invalid_client");
        assertOAuthError(post("revoke", basic("echo", "wrong"), Map.of("token", "x")), 401, "invalid_client");
        assertOAuthError(post("revoke", echoClient(), Map.of()), 400, "invalid_request");
        assertOAuthError(post("revoke", null, Map.of("token", "x", "client_id", "no-such-client")), 401,
                "invalid_client");
        // RFC 7009 §2.1: a public client identifies itself with its client_id alone
        assertThat(post("revoke", null, Map.of("token", "x", "client_id", SPA)).statusCode()).isEqualTo(200);
    }

    // --- introspection ---

    @Test
    void introspectWhenActiveAccessTokenThenItsClaims() {
        JsonNode tokens = signInAndRedeem(Map.of());
        DecodedJWT idToken = JWT.decode(tokens.get("id_token").asText());
        JsonNode answer = introspect(basic(SERVICE, SERVICE_SECRET), tokens.get("access_token").asText());
        assertThat(answer.get("active").asBoolean()).isTrue();
        assertThat(answer.get("client_id").asText()).isEqualTo("echo");
        assertThat(answer.get("sub").asText()).isEqualTo(idToken.getSubject());
        assertThat(answer.get("scope").asText()).isEqualTo("openid profile email");
        assertThat(answer.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(answer.get("exp").asLong()).isGreaterThan(answer.get("iat").asLong());
        assertThat(answer.get("iss").asText()).isEqualTo(Flows.issuer().toString());
    }

    @Test
    void introspectWhenUnknownOrForeignRefreshTokenThenOnlyActiveFalse() {
        assertThat(introspect(echoClient(), "garbage")).hasSize(1);
        assertThat(introspect(echoClient(), "garbage").get("active").asBoolean()).isFalse();
        String refresh = signInAndRedeem(Map.of()).get("refresh_token").asText();
        // a refresh token is only described to the client it was issued to
        assertThat(introspect(basic(SERVICE, SERVICE_SECRET), refresh).get("active").asBoolean()).isFalse();
        assertThat(introspect(echoClient(), refresh).get("active").asBoolean()).isTrue();
    }

    @Test
    void introspectWhenNotAuthenticatedThenInvalidClient() {
        assertOAuthError(post("introspect", null, Map.of("token", "x")), 401, "invalid_client");
    }

    // --- client_credentials ---

    @Test
    void accessTokenWhenUserDisabledThenRefusedAtOnceAndWhenEnabledAgainAccepted() {
        String name = "disable-me-" + UUID.randomUUID().toString().substring(0, 8);
        UUID id = UUID.randomUUID();
        JdbcUsers users = new JdbcUsers(PostgresExtension.dataSource());
        users.createIfAbsent(new User(id, name, PasswordHasher.owaspDefault().hash("a long enough password"), name,
                null, false, true));
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(Flows.authorize(Map.of()))));
        HttpResponse<String> back = browser.submit(page, "login",
                Map.of("login:username", name, "login:password", "a long enough password"), "login:submit");
        HttpResponse<String> redeemed = post("token", echoClient(), Map.of("grant_type", "authorization_code",
                "code", Browser.query(Browser.location(back)).get("code"),
                "redirect_uri", PostgresExtension.REDIRECT_URI));
        assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
        String access = json(redeemed).get("access_token").asText();
        assertThat(userinfo(access).statusCode()).isEqualTo(200);

        users.setEnabled(id, false);
        HttpResponse<String> refused = userinfo(access);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("error=\"invalid_token\""));
        assertThat(introspect(basic(SERVICE, SERVICE_SECRET), access).get("active").asBoolean()).isFalse();

        // disabling is not revoking: the operator may undo it within the token's lifetime
        users.setEnabled(id, true);
        assertThat(userinfo(access).statusCode()).isEqualTo(200);
    }

    @Test
    void accessTokenWhenClientDisabledThenInactive() {
        String clientId = "disable-me-service-" + UUID.randomUUID().toString().substring(0, 8);
        JdbcClients clients = new JdbcClients(PostgresExtension.dataSource());
        Client service = new Client(clientId, "Service to disable", PasswordHasher.owaspDefault().hash("s3cret"),
                List.of(), true, Set.of(Client.CLIENT_CREDENTIALS), List.of(), null, "RS256", false);
        clients.createIfAbsent(service);
        HttpResponse<String> issued = post("token", basic(clientId, "s3cret"),
                Map.of("grant_type", "client_credentials"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String access = json(issued).get("access_token").asText();
        assertThat(introspect(basic(clientId, "s3cret"), access).get("active").asBoolean()).isTrue();
        assertThat(introspect(basic(EVERY_CLIENT_RS, EVERY_CLIENT_RS_SECRET), access).get("active").asBoolean())
                .isTrue();

        clients.update(new Client(clientId, service.name(), service.secretHash(), service.redirectUris(), false,
                service.grantTypes(), service.postLogoutRedirectUris(), service.backchannelLogoutUri(),
                service.idTokenSigningAlgorithm(), service.requireMfa()));

        // a disabled client cannot authenticate any more; a resource server for every client sees the token inactive
        assertOAuthError(post("introspect", basic(clientId, "s3cret"), Map.of("token", access)), 401,
                "invalid_client");
        assertThat(introspect(basic(EVERY_CLIENT_RS, EVERY_CLIENT_RS_SECRET), access).get("active").asBoolean())
                .isFalse();
    }

    @Test
    void clientCredentialsWhenAllowedThenAccessTokenOnly() {
        HttpResponse<String> response = post("token", basic(SERVICE, SERVICE_SECRET),
                Map.of("grant_type", "client_credentials"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.has("id_token")).isFalse();
        assertThat(body.has("refresh_token")).isFalse();
        String access = body.get("access_token").asText();
        assertThat(JWT.decode(access).getSubject()).isEqualTo(SERVICE);
        JsonNode introspected = introspect(basic(SERVICE, SERVICE_SECRET), access);
        assertThat(introspected.get("active").asBoolean()).isTrue();
        assertThat(introspected.get("client_id").asText()).isEqualTo(SERVICE);
        // no user behind it: userinfo refuses it
        assertThat(userinfo(access).statusCode()).isEqualTo(401);
    }

    @Test
    void clientCredentialsWhenNotAllowedOrPublicOrScopedThenErrors() {
        assertOAuthError(post("token", echoClient(), Map.of("grant_type", "client_credentials")), 400,
                "unauthorized_client");
        assertOAuthError(post("token", null, Map.of("grant_type", "client_credentials", "client_id", SPA)), 400,
                "unauthorized_client");
        assertOAuthError(post("token", basic(SERVICE, SERVICE_SECRET), Map.of("grant_type", "client_credentials",
                "scope", "openid")), 400, "invalid_scope");
        assertOAuthError(post("token", basic(SERVICE, SERVICE_SECRET), Map.of("grant_type", "authorization_code",
                "code", "x", "redirect_uri", "https://x")), 400, "unauthorized_client");
    }

    private static HttpResponse<String> refresh(String authorization, String refreshToken, Map<String, String> more) {
        Map<String, String> form = new java.util.LinkedHashMap<>(more);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return post("token", authorization, form);
    }

    private static JsonNode introspect(String authorization, String token) {
        HttpResponse<String> response = post("introspect", authorization, Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        return json(response);
    }
}
