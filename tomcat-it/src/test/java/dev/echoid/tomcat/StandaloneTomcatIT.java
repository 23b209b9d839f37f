package dev.echoid.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both WARs in a standalone Tomcat 11 configured from {@code server-config/tomcat/} only: the provider's database
 * comes from the JNDI data source in {@code identity.xml}, whose {@code ${...}} placeholders Tomcat fills from the
 * environment because {@code setenv.sh} turns on its EnvironmentPropertySource.
 */
class StandaloneTomcatIT {

    @RegisterExtension
    static final StandaloneTomcat TOMCAT = new StandaloneTomcat();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void providerWhenIdentityXmlDefinesDataSourceThenUsesItAndIsReady() throws Exception {
        HttpResponse<String> ready = new Browser().get(URI.create(TOMCAT.issuer() + "/health/ready"));
        assertThat(ready.statusCode()).as("readiness; the log:%n%s", TOMCAT.consoleLog()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("UP");

        // the placeholders were resolved from the environment and the container's pool is the one in use,
        // not the WAR's own HikariCP pool (which IDENTITY_DB_URL would also make possible)
        assertThat(TOMCAT.consoleLog())
                .contains("Using the container data source java:comp/env/jdbc/identity")
                .doesNotContain("Using a connection pool")
                .doesNotContain("${IDENTITY_DB_URL}");
    }

    @Test
    void browserWhenSignedInThroughStandaloneTomcatThenGatewayShowsUserAndEchoApiReturnsIdentity() throws Exception {
        String gateway = TOMCAT.gateway();
        String issuer = TOMCAT.issuer();
        Browser browser = new Browser();

        HttpResponse<String> home = browser.get(URI.create(gateway + "/"));
        assertThat(home.statusCode()).as("the gateway at ROOT.war; the log:%n%s", TOMCAT.consoleLog())
                .isEqualTo(302);
        HttpResponse<String> login = browser.get(Browser.location(home));
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = Browser.location(login);
        assertThat(authorize.toString()).startsWith(issuer + "/authorize?");
        assertThat(Browser.query(authorize)).containsEntry("client_id", StandaloneTomcat.CLIENT_ID)
                .containsEntry("redirect_uri", gateway + "/callback");

        HttpResponse<String> toLoginPage = browser.get(authorize);
        assertThat(toLoginPage.statusCode()).isEqualTo(302);
        HttpResponse<String> page = browser.get(Browser.location(toLoginPage));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in");
        HttpResponse<String> back = browser.submit(page, "login", Map.of("login:username", StandaloneTomcat.USER,
                "login:password", StandaloneTomcat.PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        URI callback = Browser.location(back);
        assertThat(callback.toString()).startsWith(gateway + "/callback?");
        assertThat(Browser.query(callback)).containsEntry("state", Browser.query(authorize).get("state"))
                .containsEntry("iss", issuer).containsKey("code");

        HttpResponse<String> landed = browser.get(callback);
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(Browser.location(landed).toString()).isEqualTo(gateway + "/");

        HttpResponse<String> signedIn = browser.get(URI.create(gateway + "/"));
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.body()).contains("Demo User").contains(StandaloneTomcat.USER);

        HttpResponse<String> echo = browser.get(URI.create(gateway + "/api/echo?x=1"), "Accept", "application/json");
        assertThat(echo.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(echo.body());
        assertThat(body.get("query").asText()).isEqualTo("x=1");
        assertThat(body.get("identity").get("preferred_username").asText()).isEqualTo(StandaloneTomcat.USER);
        assertThat(body.get("identity").get("iss").asText()).isEqualTo(issuer);
    }
}
