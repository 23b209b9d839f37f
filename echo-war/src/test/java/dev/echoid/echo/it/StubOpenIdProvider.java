package dev.echoid.echo.it;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.echoid.echo.testsupport.TestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STUB OpenID Provider: a test double for the gateway's own integration test, nothing more. It serves discovery,
 * a JWK Set with an RSA key generated for the test, an {@code /authorize} that signs nobody in (it records the
 * request and redirects straight back with a code) and a {@code /token} that checks client authentication, the
 * code, the redirect URI and the PKCE verifier before issuing an ID token (with a fresh {@code sid}) and a refresh
 * token. The refresh token grant rotates the refresh token on every use and, like a real provider, treats reuse of
 * a rotated token as theft: {@code invalid_grant} and the grant is revoked. {@code /revoke} (RFC 7009) records what
 * it revoked; {@code end_session_endpoint} and back-channel logout are advertised, and the test crafts logout tokens
 * with {@link #logoutClaims} and {@link #sign}. The real provider (identity-war) is tested in its own module.
 */
final class StubOpenIdProvider implements AutoCloseable {

    static final String CLIENT_ID = "echo-gateway";
    /** Reserved characters on purpose: RFC 6749 §2.3.1 form-encoding must happen before base64. */
    static final String CLIENT_SECRET = "s3cret:with spaces&+/=";
    static final String USER_NAME = "Ada \"<b>Lovelace</b>\" & Co";
    static final String SUBJECT = "user-4711";
    /** EchoID's private claim: the provider's audit id of the sign-in. */
    static final String LOGIN_ID = "stub-login-0001";
    static final String KID = "stub-rs256";
    static final String LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
    static final Duration DEFAULT_ID_TOKEN_LIFETIME = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the gateway sent to {@code /authorize}. */
    record AuthorizeCall(Map<String, String> parameters, String rawQuery) {
    }

    /** One sign-in's refresh token chain: only {@code current} may be used; anything older is a replay. */
    private static final class Grant {
        final String sid;
        volatile String current;
        volatile boolean revoked;

        Grant(String sid) {
            this.sid = sid;
        }
    }

    /** What the gateway sent to {@code /revoke}. */
    record Revocation(String token, String tokenTypeHint) {
    }

    private final HttpServer server;
    private final KeyPair key = TestKeys.rsa();
    private final String redirectUri;
    private final Map<String, AuthorizeCall> codes = new ConcurrentHashMap<>();
    private final List<AuthorizeCall> authorizeCalls = new CopyOnWriteArrayList<>();
    private final List<String> tokenFailures = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final AtomicInteger refreshCalls = new AtomicInteger();
    private final Map<String, Grant> grantsByRefreshToken = new ConcurrentHashMap<>();
    private final List<String> presentedRefreshTokens = new CopyOnWriteArrayList<>();
    private final List<String> issuedRefreshTokens = new CopyOnWriteArrayList<>();
    private final List<String> issuedSids = new CopyOnWriteArrayList<>();
    private final List<Revocation> revocations = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile String nonceOverride;
    private volatile Duration idTokenLifetime = DEFAULT_ID_TOKEN_LIFETIME;
    private volatile Duration refreshDelay = Duration.ZERO;
    private volatile boolean refuseRefresh;

    StubOpenIdProvider(String redirectUri) throws IOException {
        this.redirectUri = redirectUri;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/stub-op/.well-known/openid-configuration", this::discovery);
        server.createContext("/stub-op/jwks", this::jwks);
        server.createContext("/stub-op/authorize", this::authorize);
        server.createContext("/stub-op/token", this::token);
        server.createContext("/stub-op/revoke", this::revoke);
        // Concurrent requests are served concurrently, so a gateway that failed to serialize refreshes would show it.
        server.setExecutor(executor);
        server.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/stub-op";
    }

    /** The next ID tokens carry this nonce instead of the requested one. */
    void issueWrongNonce(String nonce) {
        this.nonceOverride = nonce;
    }

    /** ID tokens issued from now on expire this long after issue. */
    void idTokenLifetime(Duration lifetime) {
        this.idTokenLifetime = lifetime;
    }

    /** The refresh token grant answers only after this delay (so concurrent requests overlap). */
    void refreshDelay(Duration delay) {
        this.refreshDelay = delay;
    }

    /** From now on every refresh is refused with {@code invalid_grant}. */
    void refuseRefresh() {
        this.refuseRefresh = true;
    }

    void reset() {
        nonceOverride = null;
        idTokenLifetime = DEFAULT_ID_TOKEN_LIFETIME;
        refreshDelay = Duration.ZERO;
        refuseRefresh = false;
        authorizeCalls.clear();
        tokenFailures.clear();
        tokenCalls.set(0);
        refreshCalls.set(0);
        presentedRefreshTokens.clear();
        issuedRefreshTokens.clear();
        issuedSids.clear();
        revocations.clear();
    }

    /** Refresh token grants received (refused ones included). */
    int refreshCalls() {
        return refreshCalls.get();
    }

    /** The refresh tokens the gateway presented, in order. */
    List<String> presentedRefreshTokens() {
        return List.copyOf(presentedRefreshTokens);
    }

    /** Every refresh token issued (by code exchange and by rotation), in order. */
    List<String> issuedRefreshTokens() {
        return List.copyOf(issuedRefreshTokens);
    }

    String lastIssuedRefreshToken() {
        return issuedRefreshTokens.get(issuedRefreshTokens.size() - 1);
    }

    /** The {@code sid} of the most recent sign-in. */
    String lastSid() {
        return issuedSids.get(issuedSids.size() - 1);
    }

    List<Revocation> revocations() {
        return List.copyOf(revocations);
    }

    String endSessionEndpoint() {
        return issuer() + "/end-session?tenant=stub";
    }

    /** Valid logout token claims (§2.4) for {@code sid} and the stub's subject; a mutable map for the test to spoil. */
    Map<String, Object> logoutClaims(String sid) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("aud", CLIENT_ID);
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now);
        claims.put("exp", now + 120);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("events", Map.of(LOGOUT_EVENT, Map.of()));
        claims.put("sub", SUBJECT);
        if (sid != null) {
            claims.put("sid", sid);
        }
        return claims;
    }

    /** Signs {@code claims} with the stub's key, typed {@code logout+jwt} as §2.4 recommends. */
    String sign(Map<String, Object> claims) {
        return sign(claims, key);
    }

    /** Signs {@code claims} with another key under the stub's kid: a forgery. */
    String signWithForeignKey(Map<String, Object> claims) {
        return sign(claims, TestKeys.rsa());
    }

    private static String sign(Map<String, Object> claims, KeyPair signingKey) {
        return JWT.create()
                .withKeyId(KID)
                .withHeader(Map.of("typ", "logout+jwt"))
                .withPayload(claims)
                .sign(Algorithm.RSA256((RSAPublicKey) signingKey.getPublic(), (RSAPrivateKey) signingKey.getPrivate()));
    }

    int tokenCalls() {
        return tokenCalls.get();
    }

    List<String> tokenFailures() {
        return List.copyOf(tokenFailures);
    }

    AuthorizeCall lastAuthorizeCall() {
        return authorizeCalls.get(authorizeCalls.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer());
        // A query on the endpoint, which the gateway must keep (RFC 6749 §3.1).
        doc.put("authorization_endpoint", issuer() + "/authorize?tenant=stub");
        doc.put("token_endpoint", issuer() + "/token");
        doc.put("jwks_uri", issuer() + "/jwks");
        doc.put("response_types_supported", List.of("code"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        doc.put("authorization_response_iss_parameter_supported", true);
        doc.put("revocation_endpoint", issuer() + "/revoke");
        doc.put("end_session_endpoint", endSessionEndpoint());
        doc.put("backchannel_logout_supported", true);
        doc.put("backchannel_logout_session_supported", true);
        json(exchange, 200, doc);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        json(exchange, 200, Map.of("keys", List.of(TestKeys.rsaJwk(KID, (RSAPublicKey) key.getPublic()))));
    }

    private void authorize(HttpExchange exchange) throws IOException {
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> parameters = form(rawQuery);
        AuthorizeCall call = new AuthorizeCall(parameters, rawQuery);
        authorizeCalls.add(call);
        String code = UUID.randomUUID().toString();
        codes.put(code, call);
        String location = parameters.get("redirect_uri") + "?code=" + enc(code) + "&state="
                + enc(parameters.get("state")) + "&iss=" + enc(issuer());
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenCalls.incrementAndGet();
        if (!exchange.getRequestMethod().equals("POST")) {
            fail(exchange, 405, "invalid_request", "POST only");
            return;
        }
        if (!clientAuthenticated(exchange.getRequestHeaders().getFirst("Authorization"))) {
            fail(exchange, 401, "invalid_client", "client_secret_basic failed");
            return;
        }
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if ("refresh_token".equals(form.get("grant_type"))) {
            refresh(exchange, form);
            return;
        }
        AuthorizeCall call = codes.remove(String.valueOf(form.get("code")));
        if (!"authorization_code".equals(form.get("grant_type")) || call == null) {
            fail(exchange, 400, "invalid_grant", "unknown code");
            return;
        }
        if (!redirectUri.equals(form.get("redirect_uri")) || !redirectUri.equals(call.parameters().get("redirect_uri"))) {
            fail(exchange, 400, "invalid_grant", "redirect_uri mismatch");
            return;
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || !"S256".equals(call.parameters().get("code_challenge_method"))
                || !s256(verifier).equals(call.parameters().get("code_challenge"))) {
            fail(exchange, 400, "invalid_grant", "PKCE verification failed");
            return;
        }
        String nonce = nonceOverride != null ? nonceOverride : call.parameters().get("nonce");
        Grant grant = new Grant(UUID.randomUUID().toString());
        issuedSids.add(grant.sid);
        tokens(exchange, grant, nonce);
    }

    /** RFC 6749 §6 with rotation: the presented token must be the grant's current one. */
    private void refresh(HttpExchange exchange, Map<String, String> form) throws IOException {
        refreshCalls.incrementAndGet();
        String presented = form.get("refresh_token");
        presentedRefreshTokens.add(String.valueOf(presented));
        sleep(refreshDelay);
        Grant grant = presented == null ? null : grantsByRefreshToken.get(presented);
        if (grant == null || grant.revoked || refuseRefresh) {
            fail(exchange, 400, "invalid_grant", "refresh token not valid");
            return;
        }
        synchronized (grant) {
            if (!presented.equals(grant.current)) {
                // Reuse of a rotated refresh token: someone else has a copy. Revoke the whole grant.
                grant.revoked = true;
                fail(exchange, 400, "invalid_grant", "refresh token reused");
                return;
            }
            tokens(exchange, grant, null);
        }
    }

    private void tokens(HttpExchange exchange, Grant grant, String nonce) throws IOException {
        Instant now = Instant.now();
        JWTCreator.Builder idToken = JWT.create()
                .withKeyId(KID)
                .withIssuer(issuer())
                .withAudience(CLIENT_ID)
                .withSubject(SUBJECT)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(idTokenLifetime))
                .withClaim("sid", grant.sid)
                .withClaim("login_id", LOGIN_ID)
                .withClaim("name", USER_NAME)
                .withClaim("preferred_username", "ada")
                .withClaim("email", "ada@example.org");
        if (nonce != null) {
            idToken.withClaim("nonce", nonce);
        }
        String refreshToken = UUID.randomUUID().toString();
        grant.current = refreshToken;
        grantsByRefreshToken.put(refreshToken, grant);
        issuedRefreshTokens.add(refreshToken);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", UUID.randomUUID().toString());
        body.put("token_type", "Bearer");
        body.put("expires_in", idTokenLifetime.toSeconds());
        body.put("refresh_token", refreshToken);
        body.put("id_token", idToken.sign(
                Algorithm.RSA256((RSAPublicKey) key.getPublic(), (RSAPrivateKey) key.getPrivate())));
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        json(exchange, 200, body);
    }

    /** RFC 7009 §2: records the request; the grant of a revoked refresh token ends. */
    private void revoke(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            json(exchange, 405, Map.of("error", "invalid_request"));
            return;
        }
        if (!clientAuthenticated(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        revocations.add(new Revocation(form.get("token"), form.get("token_type_hint")));
        Grant grant = form.get("token") == null ? null : grantsByRefreshToken.get(form.get("token"));
        if (grant != null) {
            grant.revoked = true;
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    private static void sleep(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean clientAuthenticated(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return false;
        }
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0
                && CLIENT_ID.equals(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8))
                && CLIENT_SECRET.equals(URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
    }

    private void fail(HttpExchange exchange, int status, String error, String description) throws IOException {
        tokenFailures.add(error + ": " + description);
        json(exchange, status, Map.of("error", error, "error_description", description));
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
