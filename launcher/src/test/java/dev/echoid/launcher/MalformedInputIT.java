package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Requests that no honest client sends but a broken one or an attacker will: a broken %-escape, bytes that are not
 * UTF-8, a charset nobody knows, a Content-Type that does not parse. Each one gets a 4xx and the standard answer
 * (an {@code {"error", "error_description"}} body for a program, a readable page for a browser), never a 500 or a
 * stack trace. Written to the socket by hand: a well-behaved client library refuses to build most of them (a
 * {@code java.net.URI} cannot even hold {@code ?x=%}).
 */
class MalformedInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";

    private static String issuer;
    private static String gateway;

    /**
     * One malformed request.
     *
     * @param error the OAuth error code of a JSON answer, or null when a person's browser gets a page
     */
    record Probe(String name, String method, String uri, String contentType, String body, boolean browser,
            int status, String error, String headers) {

        Probe(String name, String method, String uri, String contentType, String body, boolean browser, int status,
                String error) {
            this(name, method, uri, contentType, body, browser, status, error, "");
        }
    }

    @BeforeAll
    static void start() {
        DevServer system = RunningSystem.get();
        issuer = system.options().issuer();
        gateway = system.options().gateway();
    }

    private static List<Probe> probes() {
        return List.of(
                // provider: a charset the JVM does not know would end in Jersey's form reader
                new Probe("token, unknown charset", "POST", issuer + "/token", FORM + "; charset=nonsense",
                        "grant_type=client_credentials", false, 415, "invalid_request"),
                new Probe("token, illegal charset name", "POST", issuer + "/token", FORM + "; charset=\"@@\"",
                        "grant_type=client_credentials", false, 415, "invalid_request"),
                new Probe("revoke, unknown charset", "POST", issuer + "/revoke", FORM + "; charset=nonsense",
                        "token=x", false, 415, "invalid_request"),
                new Probe("introspect, unknown charset", "POST", issuer + "/introspect", FORM + "; charset=nonsense",
                        "token=x", false, 415, "invalid_request"),
                new Probe("logout form, unknown charset", "POST", issuer + "/logout", FORM + "; charset=nonsense",
                        "state=x", true, 415, null),
                new Probe("token, Content-Type that does not parse", "POST", issuer + "/token", ";;;",
                        "grant_type=client_credentials", false, 400, "invalid_request"),
                new Probe("token, broken %-escape", "POST", issuer + "/token", FORM, "grant_type=%", false, 400,
                        "invalid_request"),
                // bytes that are not UTF-8 decode to U+FFFD; without client credentials that is all it takes
                new Probe("token, not UTF-8", "POST", issuer + "/token", FORM, "grant_type=%ff%fe", false, 401,
                        "invalid_client"),
                new Probe("authorize, broken %-escape", "GET", issuer + "/authorize?client_id=%", null, null, true,
                        400, null),
                new Probe("login page, not UTF-8", "GET", issuer + "/login.xhtml?request=%ff", null, null, true, 400,
                        null),
                new Probe("login form, broken %-escape", "POST", issuer + "/login.xhtml", FORM, "login=%", true, 400,
                        null),
                // gateway: Tomcat throws from getParameter on these
                new Probe("gateway login, not UTF-8", "GET", gateway + "/login?return_to=%ff", null, null, true, 400,
                        null),
                new Probe("gateway login, broken %-escape", "GET", gateway + "/login?return_to=%", null, null, true,
                        400, null),
                new Probe("gateway callback, not UTF-8 state", "GET", gateway + "/callback?code=x&state=%ff", null,
                        null, true, 400, null),
                new Probe("back-channel logout, broken %-escape", "POST", gateway + "/backchannel-logout", FORM,
                        "logout_token=%", false, 400, "invalid_request"),
                new Probe("back-channel logout, unknown charset", "POST", gateway + "/backchannel-logout",
                        FORM + "; charset=nonsense", "logout_token=x", false, 400, "invalid_request"),
                // RFC 6749 Appendix A: no control character in any parameter; PostgreSQL refuses NUL in text
                new Probe("token, NUL in client_id", "POST", issuer + "/token", FORM,
                        "grant_type=client_credentials&client_id=ec%00ho&client_secret=x", false, 400,
                        "invalid_request"),
                new Probe("token, NUL in Basic credentials", "POST", issuer + "/token", FORM,
                        "grant_type=client_credentials", false, 400, "invalid_request",
                        "Authorization: Basic " + basic("ec\u0000ho", "x") + "\r\n"),
                new Probe("token, escaped NUL in Basic credentials", "POST", issuer + "/token", FORM,
                        "grant_type=client_credentials", false, 400, "invalid_request",
                        "Authorization: Basic " + basic("%00", "%00") + "\r\n"),
                new Probe("token, line feed in code", "POST", issuer + "/token", FORM,
                        "grant_type=authorization_code&code=a%0Ab&client_id=echo", false, 400, "invalid_request"),
                new Probe("revoke, NUL in Basic credentials", "POST", issuer + "/revoke", FORM, "token=x", false, 400,
                        "invalid_request", "Authorization: Basic " + basic("%00", "x") + "\r\n"),
                new Probe("introspect, NUL in client_id", "POST", issuer + "/introspect", FORM,
                        "token=x&client_id=%00&client_secret=x", false, 400, "invalid_request"),
                new Probe("authorize, NUL in client_id", "GET", issuer + "/authorize?response_type=code&client_id=%00",
                        null, null, true, 400, null),
                new Probe("logout, escape character in state", "GET", issuer + "/logout?state=a%1Bb", null, null, true,
                        400, null),
                new Probe("gateway login, NUL in return_to", "GET", gateway + "/login?return_to=%2F%00", null, null,
                        true, 400, null),
                new Probe("gateway callback, DEL in state", "GET", gateway + "/callback?code=x&state=a%7F", null, null,
                        true, 400, null),
                new Probe("back-channel logout, NUL in logout_token", "POST", gateway + "/backchannel-logout", FORM,
                        "logout_token=a%00b", false, 400, "invalid_request"),
                // Faces: a field with a control character, a view state that cannot be restored
                new Probe("login form, NUL in the user name", "POST", issuer + "/login.xhtml", FORM,
                        "login=login&login%3Ausername=de%00mo&login%3Apassword=x", true, 400, null),
                new Probe("unknown view with a view state", "GET", issuer + "/no-such-view.xhtml?"
                        + "jakarta.faces.ViewState=-1:-1", null, null, true, 404, null),
                new Probe("Faces resource, control character in the library", "GET", issuer
                        + "/jakarta.faces.resource/login.css.xhtml?ln=c%0Bss", null, null, true, 400, null));
    }

    @TestFactory
    Stream<DynamicTest> malformedRequestWhenSentThenStandard4xxAnswerNeverServerError() {
        return probes().stream().map(probe -> DynamicTest.dynamicTest(probe.name(), () -> check(probe)));
    }

    private static void check(Probe probe) throws Exception {
        StringBuilder head = new StringBuilder();
        if (probe.browser()) {
            head.append("Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n");
        }
        head.append(probe.headers());
        if (probe.contentType() != null) {
            head.append("Content-Type: ").append(probe.contentType()).append("\r\n");
        }
        RawResponse response = RawResponse.send(probe.method(), probe.uri(), head.toString(), probe.body());

        String body = response.body();
        String type = response.contentType();
        assertThat(response.statusCode()).as("%s: %s", probe.name(), body).isEqualTo(probe.status());
        assertThat(body).as(probe.name()).doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("Apache Tomcat");
        if (probe.browser()) {
            assertThat(type).as(probe.name()).startsWith("text/html");
            assertThat(body).as(probe.name()).contains("<title>").contains("</html>");
            return;
        }
        assertThat(type).as(probe.name()).startsWith("application/json");
        JsonNode answer = JSON.readTree(body);
        assertThat(answer.path("error").asText()).as(probe.name()).isEqualTo(probe.error());
        assertThat(answer.path("error_description").asText()).as(probe.name()).isNotBlank();
    }

    /** The control character is refused before the user name reaches a statement; the sign-in is not spent. */
    @Test
    void loginFormWhenUserNameHasNulThenRefusedAndTheSameSignInStillWorks() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize)));
        assertThat(page.statusCode()).isEqualTo(200);

        HttpResponse<String> refused = browser.submit(page, "login", Map.of("login:username", "de\u0000mo",
                "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("control character").doesNotContain("Exception");

        HttpResponse<String> back = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                "login:password", DevServer.DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(Browser.location(back).toString()).startsWith(gateway + "/callback?");
    }

    /** The pages are stateless: a view state other than theirs was altered, and Mojarra cannot restore it. */
    @Test
    void loginFormWhenViewStateAlteredThen400PageAndNoSignIn() {
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize)));

        HttpResponse<String> altered = browser.submit(page, "login", Map.of("login:username", DevServer.DEMO_USER,
                "login:password", DevServer.DEMO_PASSWORD, "jakarta.faces.ViewState", "forged"), "login:submit");
        assertThat(altered.statusCode()).as(altered.body()).isEqualTo(400);
        assertThat(altered.body()).contains("expired").doesNotContain("Exception");
        assertThat(altered.headers().firstValue("Location")).isEmpty();
    }

    /** Mojarra fails on a malformed Accept or If-Modified-Since; the pages answer as if neither had been sent. */
    @TestFactory
    Stream<DynamicTest> facesPageWhenAcceptOrDateHeaderMalformedThenServedNotServerError() {
        return Stream.of(
                new String[] {"login page", issuer + "/login.xhtml?request=unknown", "Accept: text/html;q=abc, ;;\r\n"},
                new String[] {"account page", issuer + "/account.xhtml", "Accept: \r\n"},
                new String[] {"stylesheet", issuer + "/jakarta.faces.resource/login.css.xhtml?ln=css",
                    "If-Modified-Since: yesterday\r\n"})
                .map(c -> DynamicTest.dynamicTest(c[0] + " <- " + c[2].trim(), () -> {
                    RawResponse response = RawResponse.send("GET", c[1], c[2], null);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    assertThat(response.body()).doesNotContain("Exception").doesNotContain("Something went wrong");
                }));
    }

    private static String basic(String id, String secret) {
        return java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** One HTTP/1.0 exchange over a plain socket (no chunking, the server closes): the request line sent as given. */
    record RawResponse(int statusCode, String contentType, String body) {

        static RawResponse send(String method, String uri, String headers, String body) throws IOException {
            URI target = URI.create(uri.substring(0, uri.indexOf('/', "http://".length())));
            String pathAndQuery = uri.substring(target.toString().length());
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket(target.getHost(), target.getPort())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write((method + " " + pathAndQuery + " HTTP/1.0\r\nHost: " + target.getAuthority() + "\r\n"
                        + headers + (body == null ? "" : "Content-Length: " + content.length + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(content);
                out.flush();
                String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int end = raw.indexOf("\r\n\r\n");
                String[] lines = raw.substring(0, end).split("\r\n");
                String contentType = "";
                for (String line : lines) {
                    if (line.regionMatches(true, 0, "Content-Type:", 0, "Content-Type:".length())) {
                        contentType = line.substring("Content-Type:".length()).trim();
                    }
                }
                return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), contentType, raw.substring(end + 4));
            }
        }
    }
}
