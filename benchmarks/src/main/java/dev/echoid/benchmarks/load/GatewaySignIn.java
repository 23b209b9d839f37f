package dev.echoid.benchmarks.load;

import static dev.echoid.benchmarks.load.BrowserExchanges.expect;
import static dev.echoid.benchmarks.load.BrowserExchanges.location;

import dev.echoid.launcher.DevServer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A person signing in through the gateway with a new cookie jar: gateway {@code /} → {@code /login} → provider
 * {@code /authorize} → login page → the form POSTed with the demo user's password → gateway {@code /callback} (which
 * redeems the code at {@code /token}) → gateway {@code /}, seven exchanges, each checked.
 *
 * <p>Not the test kit's {@code Browser}, which builds an {@code HttpClient} per cookie jar: hundreds of them, with
 * their threads and idle connections, would compete for the two cores and leave Tomcat holding buffers for those
 * connections, which the memory figure would count. Here one client keeps its connections, as a browser does.
 */
final class GatewaySignIn {

    /** The gateway's session cookie (echo-war's {@code web.xml}). */
    static final String SESSION_COOKIE = "ECHOSESSION";

    private final BrowserExchanges browser;
    private final String gateway;

    GatewaySignIn(BrowserExchanges browser, String gateway) {
        this.browser = browser;
        this.gateway = gateway;
    }

    /** @return the value of the signed-in gateway session's cookie */
    String signIn() throws IOException, InterruptedException {
        return sessionCookie(signInJar());
    }

    /** The same sign-in: the cookie jar it leaves, signed in at the gateway and at the provider. */
    CookieManager signInJar() throws IOException, InterruptedException {
        CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpResponse<String> home = expect(browser.get(jar, URI.create(gateway + "/")), 302, "gateway /");
        HttpResponse<String> login = expect(browser.get(jar, location(home)), 302, "gateway /login");
        HttpResponse<String> authorize = expect(browser.get(jar, location(login)), 302, "provider /authorize");
        HttpResponse<String> page = expect(browser.get(jar, location(authorize)), 200, "login page");
        HttpResponse<String> toCallback = expect(browser.submit(jar, page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit"),
                302, "login form POST");
        URI callback = location(toCallback);
        if (!callback.toString().startsWith(gateway + "/callback?")) {
            throw new IllegalStateException("login form POST: redirected to " + callback + ", not the callback");
        }
        HttpResponse<String> landed = expect(browser.get(jar, callback), 302, "gateway /callback");
        HttpResponse<String> signedIn = expect(browser.get(jar, location(landed)), 200, "gateway / signed in");
        if (!signedIn.body().contains(DevServer.DEMO_USER)) {
            throw new IllegalStateException("gateway /: the page does not name the signed-in user");
        }
        return jar;
    }

    /**
     * Signs out as the gateway's button does: {@code GET /logout} (the confirmation page) → its form POSTed (the
     * gateway revokes the refresh token, ends its session, and sends the browser to the provider's
     * end_session_endpoint) → the provider's answer (its redirect back, or its page).
     */
    void signOut(CookieManager jar) throws IOException, InterruptedException {
        HttpResponse<String> confirm = expect(browser.get(jar, URI.create(gateway + "/logout")), 200,
                "gateway GET /logout");
        HttpResponse<String> toProvider = expect(browser.submit(jar, confirm, "logout", Map.of(), "logout"), 302,
                "gateway POST /logout");
        int ended = browser.get(jar, location(toProvider)).statusCode();
        if (ended != 200 && ended != 302 && ended != 303) {
            throw new IllegalStateException("provider end_session: HTTP " + ended);
        }
    }

    /** The value of the gateway session's cookie in a signed-in jar. */
    static String sessionCookie(CookieManager jar) {
        return jar.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals(SESSION_COOKIE))
                .map(HttpCookie::getValue)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("signed in without a " + SESSION_COOKIE + " cookie"));
    }
}
