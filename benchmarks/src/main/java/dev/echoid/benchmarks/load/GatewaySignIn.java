package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import dev.echoid.testkit.Browser;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A person with a fresh browser signing in through the gateway: gateway {@code /} → {@code /login} → provider
 * {@code /authorize} → login page → the form POSTed with the demo user's password → gateway {@code /callback} (which
 * redeems the code at {@code /token}) → gateway {@code /}, seven exchanges. Every hop is checked.
 */
final class GatewaySignIn {

    /** The gateway's session cookie (echo-war's {@code web.xml}). */
    static final String SESSION_COOKIE = "ECHOSESSION";

    private GatewaySignIn() {
    }

    /** @return the value of the signed-in gateway session's cookie */
    static String signIn(String gateway) {
        Browser browser = new Browser();
        HttpResponse<String> home = expect(browser.get(URI.create(gateway + "/")), 302, "gateway /");
        HttpResponse<String> login = expect(browser.get(Browser.location(home)), 302, "gateway /login");
        HttpResponse<String> authorize = expect(browser.get(Browser.location(login)), 302, "provider /authorize");
        HttpResponse<String> page = expect(browser.get(Browser.location(authorize)), 200, "login page");
        HttpResponse<String> toCallback = expect(browser.submit(page, "login", Map.of(
                "login:username", DevServer.DEMO_USER, "login:password", DevServer.DEMO_PASSWORD), "login:submit"),
                302, "login form POST");
        URI callback = Browser.location(toCallback);
        if (!callback.toString().startsWith(gateway + "/callback?")) {
            throw new IllegalStateException("login form POST: redirected to " + callback + ", not the callback");
        }
        HttpResponse<String> landed = expect(browser.get(callback), 302, "gateway /callback");
        HttpResponse<String> signedIn = expect(browser.get(Browser.location(landed)), 200, "gateway / signed in");
        if (!signedIn.body().contains(DevServer.DEMO_USER)) {
            throw new IllegalStateException("gateway /: the page does not name the signed-in user");
        }
        return browser.cookies().getCookieStore().getCookies().stream()
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
}
