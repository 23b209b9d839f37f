package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import dev.echoid.testkit.FilledForm;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A person signing in through the gateway with a new cookie jar: gateway {@code /} → {@code /login} → provider
 * {@code /authorize} → login page → the form POSTed with the demo user's password → gateway {@code /callback} (which
 * redeems the code at {@code /token}) → gateway {@code /}, seven exchanges, each checked.
 *
 * <p>Not the test kit's {@code Browser}, which builds an {@link HttpClient} per cookie jar: hundreds of them, with
 * their threads and idle connections, would compete for the two cores and leave Tomcat holding buffers for those
 * connections, which the memory figure would count. Here one client keeps its connections, as a browser does.
 */
final class GatewaySignIn {

    /** The gateway's session cookie (echo-war's {@code web.xml}). */
    static final String SESSION_COOKIE = "ECHOSESSION";

    private final HttpClient http;
    private final String gateway;
    private final Duration timeout;

    /** @param http without a cookie handler and not following redirects: each sign-in has its own jar */
    GatewaySignIn(HttpClient http, String gateway, Duration timeout) {
        this.http = http;
        this.gateway = gateway;
        this.timeout = timeout;
    }

    /** @return the value of the signed-in gateway session's cookie */
    String signIn() throws IOException, InterruptedException {
        CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpResponse<String> home = expect(get(jar, URI.create(gateway + "/")), 302, "gateway /");
        HttpResponse<String> login = expect(get(jar, location(home)), 302, "gateway /login");
        HttpResponse<String> authorize = expect(get(jar, location(login)), 302, "provider /authorize");
        HttpResponse<String> page = expect(get(jar, location(authorize)), 200, "login page");
        HttpResponse<String> toCallback = expect(submit(jar, page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit"),
                302, "login form POST");
        URI callback = location(toCallback);
        if (!callback.toString().startsWith(gateway + "/callback?")) {
            throw new IllegalStateException("login form POST: redirected to " + callback + ", not the callback");
        }
        HttpResponse<String> landed = expect(get(jar, callback), 302, "gateway /callback");
        HttpResponse<String> signedIn = expect(get(jar, location(landed)), 200, "gateway / signed in");
        if (!signedIn.body().contains(DevServer.DEMO_USER)) {
            throw new IllegalStateException("gateway /: the page does not name the signed-in user");
        }
        return jar.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals(SESSION_COOKIE))
                .map(HttpCookie::getValue)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("signed in without a " + SESSION_COOKIE + " cookie"));
    }

    static HttpResponse<String> expect(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(step + ": HTTP " + response.statusCode() + ", expected " + status);
        }
        return response;
    }

    private HttpResponse<String> get(CookieManager jar, URI uri) throws IOException, InterruptedException {
        return send(jar, uri, HttpRequest.newBuilder().GET());
    }

    /** Fills in and submits the form as a person would: its hidden fields, the given fields, the button pressed. */
    private HttpResponse<String> submit(CookieManager jar, HttpResponse<String> page, String formId,
            Map<String, String> fields, String button) throws IOException, InterruptedException {
        FilledForm form = FilledForm.of(page.body(), page.uri(), formId, fields, button);
        return send(jar, form.action(), HttpRequest.newBuilder()
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.encoded())));
    }

    /** What an {@link HttpClient} with a cookie handler does, with this sign-in's jar. */
    private HttpResponse<String> send(CookieManager jar, URI uri, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        for (Map.Entry<String, List<String>> cookies : jar.get(uri, Map.of()).entrySet()) {
            if (!cookies.getValue().isEmpty()) {
                request.header(cookies.getKey(), String.join("; ", cookies.getValue()));
            }
        }
        HttpResponse<String> response = http.send(request.uri(uri).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        jar.put(uri, response.headers().map());
        return response;
    }

    private static URI location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                response.uri().getPath() + ": HTTP " + response.statusCode() + " without a Location"));
        return response.uri().resolve(location);
    }
}
