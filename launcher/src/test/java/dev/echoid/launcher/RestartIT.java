package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The launcher keeps its data: a restart keeps the signing key, the demo user and the gateway's client secret. */
class RestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void restartWhenSameDataDirectoryThenSameSigningKeyAndSignInStillWorks() throws Exception {
        DevServer.Options options = RunningSystem.freshOptions(RunningSystem.temporaryDirectory());
        String kidBefore;
        String secretBefore;
        try (DevServer first = DevServer.start(options)) {
            kidBefore = kid(first);
            secretBefore = first.clientSecret();
        }
        try (DevServer second = DevServer.start(options)) {
            assertThat(kid(second)).isEqualTo(kidBefore);
            assertThat(second.clientSecret()).isEqualTo(secretBefore);
            Browser browser = new Browser();
            URI authorize = Browser.location(browser.get(URI.create(second.options().gateway() + "/login")));
            browser.get(Browser.location(SingleSignOnIT.signInAtProvider(browser, authorize)));
            assertThat(browser.get(URI.create(second.options().gateway() + "/")).statusCode()).isEqualTo(200);
        }
    }

    private static String kid(DevServer server) throws Exception {
        String jwks = new Browser().get(URI.create(server.options().issuer() + "/jwks")).body();
        return JSON.readTree(jwks).get("keys").get(0).get("kid").asText();
    }
}
