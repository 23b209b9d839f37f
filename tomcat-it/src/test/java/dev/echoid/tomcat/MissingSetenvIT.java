package dev.echoid.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.testkit.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guide with step 3's {@code setenv.sh} left out: {@code identity.xml}'s {@code ${IDENTITY_DB_URL}} stays
 * unresolved, so Tomcat cannot build the data source. The provider must refuse to start and say why, not fall back
 * to its own pool through the {@code IDENTITY_DB_URL} that is in its environment too.
 */
class MissingSetenvIT {

    @RegisterExtension
    static final StandaloneTomcat TOMCAT = StandaloneTomcat.withoutSetenv();

    @Test
    void providerWhenContainerDataSourceIsBrokenThenRefusesToStartAndSaysWhy() throws Exception {
        HttpResponse<String> live = new Browser().get(URI.create(TOMCAT.issuer() + "/health/live"));
        assertThat(live.statusCode()).as("no provider at /identity; the log:%n%s", TOMCAT.consoleLog()).isEqualTo(404);

        assertThat(TOMCAT.consoleLog())
                .contains("Identity provider failed to start: The container defines the data source"
                        + " java:comp/env/jdbc/identity but could not create it")
                .contains("${IDENTITY_DB_URL}")
                .doesNotContain("Using a connection pool")
                .doesNotContain("Identity provider started");
    }
}
