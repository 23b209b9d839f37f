package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Puts script and attribute-breaking payloads into every parameter either WAR reflects, follows the redirects that stay
 * on the system, and checks that each answer is harmless: an HTML body with the payload only as escaped text (no
 * script element, no event-handler attribute), a JSON body that parses, a Location on the system's own origins.
 * Adding a reflected parameter is one line in {@link #cases()}.
 */
class ReflectedXssIT {

    static final List<String> PAYLOADS = List.of(
            "\"><script>alert(1)</script>'",
            "\" autofocus onfocus=\"alert(1)\" x=\"",
            "' onmouseover='alert(1)' x='",
            "</title><img src=x onerror=alert(1)>");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HOPS = 4;
    private static final Pattern DOUBLE_QUOTED_VALUE = Pattern.compile("=\"[^\"<>]*\"");

    private static DevServer system;
    private static String issuer;
    private static String gateway;
    private static Set<String> ownOrigins;

    /** A request with the payload in one place; the browser may be signed in (a fresh one per case otherwise). */
    record Case(String name, BiFunction<Browser, String, HttpResponse<String>> send, boolean signedIn) {
    }

    @BeforeAll
    static void start() {
        system = RunningSystem.get();
        issuer = system.options().issuer();
        gateway = system.options().gateway();
        ownOrigins = Set.of(origin(URI.create(issuer)), origin(URI.create(gateway)));
        SecurityHeadersIT.signIn(system);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // --- provider: /authorize, each parameter in turn, by GET and by POST ---
        for (String name : List.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "response_mode",
                "ui_locales", "id_token_hint")) {
            cases.add(anonymous("authorize ?" + name, (b, p) -> b.get(SecurityHeadersIT.authorizeUri(Map.of(name, p)))));
            cases.add(signedIn("authorize ?" + name + ", signed in",
                    (b, p) -> b.get(SecurityHeadersIT.authorizeUri(Map.of(name, p)))));
            cases.add(anonymous("authorize POST " + name, (b, p) -> b.postForm(URI.create(issuer + "/authorize"),
                    Browser.query(SecurityHeadersIT.authorizeUri(Map.of(name, p))))));
        }
        cases.add(anonymous("authorize, parameter name", (b, p) -> b.get(URI.create(
                SecurityHeadersIT.authorizeUri(Map.of()) + "&" + enc(p) + "=1"))));
        // --- provider: login page ---
        cases.add(anonymous("login.xhtml ?request", (b, p) -> b.get(URI.create(issuer + "/login.xhtml?request=" + enc(p)))));
        cases.add(anonymous("login POST username", (b, p) -> {
            HttpResponse<String> page = b.get(Browser.location(b.get(SecurityHeadersIT.authorizeUri(Map.of()))));
            return b.submit(page, "login", Map.of("login:username", p, "login:password", p), "login:submit");
        }));
        cases.add(anonymous("mfa.xhtml ?request", (b, p) -> b.get(URI.create(issuer + "/mfa.xhtml?request=" + enc(p)))));
        cases.add(anonymous("enrol.xhtml ?request", (b, p) -> b.get(URI.create(issuer + "/enrol.xhtml?request="
                + enc(p)))));
        cases.add(signedIn("enrol POST code", (b, p) -> b.submit(b.get(URI.create(issuer + "/enrol.xhtml")), "enrol",
                Map.of("enrol:code", p), "enrol:submit")));
        // --- provider: logout ---
        cases.add(anonymous("logout ?client_id", (b, p) -> b.get(logout(Map.of("client_id", p)))));
        cases.add(anonymous("logout ?post_logout_redirect_uri", (b, p) -> b.get(logout(Map.of(
                "client_id", DevServer.CLIENT_ID, "post_logout_redirect_uri", p)))));
        cases.add(anonymous("logout ?state, redirect back", (b, p) -> b.get(logout(Map.of(
                "client_id", DevServer.CLIENT_ID, "post_logout_redirect_uri", gateway + "/signed-out", "state", p)))));
        cases.add(anonymous("logout ?id_token_hint", (b, p) -> b.get(logout(Map.of("id_token_hint", p)))));
        cases.add(signedIn("logout confirmation page ?state", (b, p) -> b.get(logout(Map.of(
                "client_id", DevServer.CLIENT_ID, "post_logout_redirect_uri", gateway + "/signed-out", "state", p)))));
        cases.add(signedIn("logout confirmation page ?client_id", (b, p) -> b.get(logout(Map.of("client_id", p)))));
        cases.add(anonymous("logout POST state", (b, p) -> b.postForm(URI.create(issuer + "/logout"), Map.of(
                "client_id", DevServer.CLIENT_ID, "state", p, "confirmation", p))));
        // --- provider: JSON endpoints ---
        for (String name : List.of("grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope",
                "client_id")) {
            cases.add(anonymous("token " + name, (b, p) -> b.postForm(URI.create(issuer + "/token"),
                    tokenForm(name, p), "Authorization", SecurityHeadersIT.clientAuth())));
        }
        cases.add(anonymous("token client_secret_post client_id", (b, p) -> b.postForm(URI.create(issuer + "/token"),
                Map.of("grant_type", "client_credentials", "client_id", p, "client_secret", p))));
        cases.add(anonymous("token Basic credentials", (b, p) -> b.postForm(URI.create(issuer + "/token"),
                Map.of("grant_type", "client_credentials"), "Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString((enc(p) + ":" + enc(p)).getBytes(StandardCharsets.UTF_8)))));
        for (String endpoint : List.of("revoke", "introspect")) {
            cases.add(anonymous(endpoint + " token", (b, p) -> b.postForm(URI.create(issuer + "/" + endpoint),
                    Map.of("token", p, "token_type_hint", p), "Authorization", SecurityHeadersIT.clientAuth())));
        }
        cases.add(anonymous("userinfo bearer token", (b, p) -> b.get(URI.create(issuer + "/userinfo"),
                "Authorization", "Bearer " + p)));
        cases.add(anonymous("userinfo POST access_token", (b, p) -> b.postForm(URI.create(issuer + "/userinfo"),
                Map.of("access_token", p))));
        // --- provider: unknown paths ---
        cases.add(anonymous("provider unknown path", (b, p) -> b.get(URI.create(issuer + "/" + pathSegment(p)))));
        cases.add(anonymous("provider unknown view", (b, p) -> b.get(URI.create(issuer + "/" + pathSegment(p)
                + ".xhtml"))));
        // --- gateway ---
        cases.add(anonymous("gateway /login ?return_to", (b, p) -> b.get(URI.create(gateway + "/login?return_to="
                + enc(p)))));
        cases.add(anonymous("gateway /login ?return_to path", (b, p) -> b.get(URI.create(gateway + "/login?return_to="
                + enc("/" + p)))));
        cases.add(anonymous("gateway /callback ?error, ?error_description, ?state", (b, p) -> b.get(URI.create(
                gateway + "/callback?error=" + enc(p) + "&error_description=" + enc(p) + "&state=" + enc(p)))));
        cases.add(anonymous("gateway /callback error_description for a known state", (b, p) -> {
            URI authorize = Browser.location(b.get(URI.create(gateway + "/login")));
            return b.get(URI.create(gateway + "/callback?error=access_denied&error_description=" + enc(p)
                    + "&state=" + enc(Browser.query(authorize).get("state"))));
        }));
        cases.add(anonymous("gateway /callback ?code, ?iss", (b, p) -> {
            URI authorize = Browser.location(b.get(URI.create(gateway + "/login")));
            return b.get(URI.create(gateway + "/callback?code=" + enc(p) + "&iss=" + enc(p) + "&state="
                    + enc(Browser.query(authorize).get("state"))));
        }));
        cases.add(anonymous("gateway /signed-out ?state", (b, p) -> b.get(URI.create(gateway + "/signed-out?state="
                + enc(p)))));
        cases.add(anonymous("gateway /backchannel-logout logout_token", (b, p) -> b.postForm(URI.create(
                gateway + "/backchannel-logout"), Map.of("logout_token", p))));
        cases.add(anonymous("gateway unknown path, signed out", (b, p) -> b.get(URI.create(gateway + "/"
                + pathSegment(p) + "?q=" + enc(p)))));
        cases.add(signedIn("gateway unknown path, signed in", (b, p) -> b.get(URI.create(gateway + "/"
                + pathSegment(p) + "?q=" + enc(p)))));
        cases.add(signedIn("gateway / ?query, signed in", (b, p) -> b.get(URI.create(gateway + "/?x=" + enc(p)))));
        cases.add(signedIn("gateway /api/echo query, header and body", (b, p) -> b.postForm(URI.create(
                gateway + "/api/echo/" + pathSegment(p) + "?x=" + enc(p)), Map.of("b", p), "X-Payload", p)));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyReflectedParameterWhenPayloadThenEscaped() {
        return cases().stream().flatMap(c -> PAYLOADS.stream().map(payload -> DynamicTest.dynamicTest(
                c.name() + " <- " + payload, () -> {
                    Browser browser = c.signedIn() ? SecurityHeadersIT.signedInBrowser() : new Browser();
                    HttpResponse<String> response = c.send().apply(browser, payload);
                    for (int hop = 0; ; hop++) {
                        assertHarmless(response, payload);
                        if (hop == MAX_HOPS || response.statusCode() / 100 != 3) {
                            break;
                        }
                        response = browser.get(Browser.location(response));
                    }
                })));
    }

    /** What a browser would do with this answer cannot run the payload, nor leave the system. */
    static void assertHarmless(HttpResponse<String> response, String payload) {
        String where = response.request().method() + " " + response.uri() + " -> " + response.statusCode();
        assertThat(response.statusCode()).as("status of %s", where).isLessThan(500);
        SecurityHeadersIT.assertProtectiveHeaders(response);
        if (response.statusCode() / 100 == 3) {
            String location = response.headers().firstValue("Location").orElseThrow();
            assertThat(location).as("Location of %s", where).doesNotContain("<", ">", "\"", " ");
            assertThat(ownOrigins).as("Location of %s: %s", where, location)
                    .contains(origin(response.uri().resolve(location)));
        }
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        String body = response.body();
        if (type.startsWith("application/json")) {
            assertThatCode(() -> JSON.readTree(body)).as("JSON body of %s: %s", where, body).doesNotThrowAnyException();
        } else if (!body.isEmpty()) {
            assertThat(type).as("Content-Type of %s", where).startsWith("text/html");
            // verbatim is harmless only inside a double-quoted attribute value, and only for a payload without '"'
            assertThat(DOUBLE_QUOTED_VALUE.matcher(body).replaceAll("=\"\"")).as("body of %s", where)
                    .doesNotContain(payload);
            Document document = Jsoup.parse(body);
            assertThat(document.select("script")).as("script elements in %s", where).isEmpty();
            for (Element element : document.getAllElements()) {
                for (Attribute attribute : element.attributes()) {
                    assertThat(attribute.getKey()).as("an attribute of <%s> in %s", element.tagName(), where)
                            .doesNotStartWith("on").isNotEqualTo("autofocus");
                }
            }
            assertThat(document.select("img")).as("img elements in %s", where).isEmpty();
        }
    }

    private static Case anonymous(String name, BiFunction<Browser, String, HttpResponse<String>> send) {
        return new Case(name, send, false);
    }

    private static Case signedIn(String name, BiFunction<Browser, String, HttpResponse<String>> send) {
        return new Case(name, send, true);
    }

    private static Map<String, String> tokenForm(String name, String payload) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", "unknown-code");
        form.put("redirect_uri", gateway + "/callback");
        form.put(name, payload);
        return form;
    }

    private static URI logout(Map<String, String> params) {
        return URI.create(issuer + "/logout?" + Browser.formEncode(params));
    }

    /** The payload as one path segment; a slash would make Tomcat refuse the request before any application sees it. */
    private static String pathSegment(String payload) {
        return enc(payload.replace("/", "")).replace("+", "%20");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }
}
