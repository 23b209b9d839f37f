package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway keeps a user signed in across ID-token expiry by refreshing at the real provider. ID tokens live 62 s
 * here and the gateway refreshes within 60 s of expiry, so any request after 2 s triggers a refresh.
 */
class GatewayRefreshIT {

    private static DevServer system;

    @BeforeAll
    static void start() {
        system = DevServer.start(RunningSystem.freshOptions(RunningSystem.temporaryDirectory(), Map.of(
                "IDENTITY_ID_TOKEN_TTL_SECONDS", "62", "ECHO_REFRESH_MARGIN_SECONDS", "60")));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void requestWhenIdTokenNearExpiryThenGatewayRefreshesAndUserStaysSignedIn() throws Exception {
        String gateway = system.options().gateway();
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(URI.create(gateway + "/login")));
        browser.get(Browser.location(SingleSignOnIT.signInAtProvider(browser, authorize)));
        String firstExpiry = identity(browser, gateway).get("exp");

        Thread.sleep(2100);
        Map<String, String> refreshed = identity(browser, gateway);
        assertThat(refreshed.get("exp")).as("a new ID token, from the refresh").isNotEqualTo(firstExpiry);
        assertThat(refreshed.get("preferred_username")).isEqualTo(DevServer.DEMO_USER);
    }

    private static Map<String, String> identity(Browser browser, String gateway) throws Exception {
        HttpResponse<String> echo = browser.get(URI.create(gateway + "/api/echo"), "Accept", "application/json");
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        var identity = new com.fasterxml.jackson.databind.ObjectMapper().readTree(echo.body()).get("identity");
        return Map.of("exp", identity.get("exp").asText(),
                "preferred_username", identity.get("preferred_username").asText());
    }
}
