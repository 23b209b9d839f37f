package dev.echoid.echo.it;

import com.auth0.jwt.JWT;
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
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STUB OpenID Provider: a test double for the gateway's own integration test, nothing more. It serves discovery,
 * a JWK Set with an RSA key generated for the test, an {@code /authorize} that signs nobody in (it records the
 * request and redirects straight back with a code) and a {@code /token} that checks client authentication, the
 * code, the redirect URI and the PKCE verifier before issuing an ID token. The real provider (identity-war) is
 * tested in its own module.
 */
final class StubOpenIdProvider implements AutoCloseable {

    static final String CLIENT_ID = "echo-gateway";
    /** Reserved characters on purpose: RFC 6749 §2.3.1 form-encoding must happen before base64. */
    static final String CLIENT_SECRET = "s3cret:with spaces&+/=";
    static final String USER_NAME = "Ada \"<b>Lovelace</b>\" & Co";
    static final String SUBJECT = "user-4711";
    private static final String KID = "stub-rs256";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the gateway sent to {@code /authorize}. */
    record AuthorizeCall(Map<String, String> parameters, String rawQuery) {
    }

    private final HttpServer server;
    private final KeyPair key = TestKeys.rsa();
    private final String redirectUri;
    private final Map<String, AuthorizeCall> codes = new ConcurrentHashMap<>();
    private final List<AuthorizeCall> authorizeCalls = new CopyOnWriteArrayList<>();
    private final List<String> tokenFailures = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private volatile String nonceOverride;

    StubOpenIdProvider(String redirectUri) throws IOException {
        this.redirectUri = redirectUri;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/stub-op/.well-known/openid-configuration", this::discovery);
        server.createContext("/stub-op/jwks", this::jwks);
        server.createContext("/stub-op/authorize", this::authorize);
        server.createContext("/stub-op/token", this::token);
        server.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/stub-op";
    }

    /** The next ID tokens carry this nonce instead of the requested one. */
    void issueWrongNonce(String nonce) {
        this.nonceOverride = nonce;
    }

    void reset() {
        nonceOverride = null;
        authorizeCalls.clear();
        tokenFailures.clear();
        tokenCalls.set(0);
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
        Instant now = Instant.now();
        String nonce = nonceOverride != null ? nonceOverride : call.parameters().get("nonce");
        String idToken = JWT.create()
                .withKeyId(KID)
                .withIssuer(issuer())
                .withAudience(CLIENT_ID)
                .withSubject(SUBJECT)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(300))
                .withClaim("nonce", nonce)
                .withClaim("name", USER_NAME)
                .withClaim("preferred_username", "ada")
                .withClaim("email", "ada@example.org")
                .sign(Algorithm.RSA256((RSAPublicKey) key.getPublic(), (RSAPrivateKey) key.getPrivate()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", UUID.randomUUID().toString());
        body.put("token_type", "Bearer");
        body.put("expires_in", 300);
        body.put("id_token", idToken);
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        json(exchange, 200, body);
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
