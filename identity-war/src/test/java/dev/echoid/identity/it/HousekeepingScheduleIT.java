package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.echoClient;
import static dev.echoid.identity.it.Flows.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.testkit.Browser;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The housekeeping as deployed (issue 11, item 5), attacked over real HTTP: a flood of unauthenticated
 * {@code /authorize} requests leaves one pending row each; once they expire, the scheduled purge removes them and
 * nothing live (the other requests, a signed-in user's session and tokens) is lost. This deployment purges every
 * second and keeps ended rows the least retention (60 s); the other ITs keep the defaults (every 5 minutes).
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(HousekeepingScheduleIT.PurgeEverySecond.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HousekeepingScheduleIT {

    private static final int FLOOD = 120;
    private static final int EXPIRED = 80;

    /** Set before the WAR deploys (it reads them at start-up), cleared after it is undeployed. */
    static final class PurgeEverySecond implements BeforeAllCallback, AfterAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) {
            System.setProperty("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS", "1");
            System.setProperty("IDENTITY_HOUSEKEEPING_RETENTION_SECONDS", "60");
        }

        @Override
        public void afterAll(ExtensionContext context) {
            System.clearProperty("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS");
            System.clearProperty("IDENTITY_HOUSEKEEPING_RETENTION_SECONDS");
        }
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @Test
    void floodOfUnauthenticatedAuthorizeRequestsIsPurgedOnceExpiredAndNothingLiveIsLost() throws Exception {
        // a signed-in user first: session, grant, access and refresh token, all live
        JsonNode tokens = Flows.signInAndRedeem(Map.of());
        String accessToken = tokens.get("access_token").asText();
        String refreshToken = tokens.get("refresh_token").asText();

        // the flood: each request from a new browser (no cookie), each kept as a pending authorization
        String marker = "flood-" + UUID.randomUUID();
        for (int i = 0; i < FLOOD; i++) {
            HttpResponse<String> toLogin = new Browser().get(Flows.authorize(Map.of("state", marker + "-" + i)));
            assertThat(toLogin.statusCode()).as("unauthenticated /authorize -> login page").isEqualTo(302);
        }
        assertThat(count("SELECT count(*) FROM pending_authorization WHERE request LIKE ?", "%" + marker + "%"))
                .as("one pending row per request").isEqualTo(FLOOD);
        // most of them expire (as they would ten minutes later); the rest are still waiting for a sign-in
        int expired = update("UPDATE pending_authorization SET expires_at = now() - interval '1 second' "
                + "WHERE id_hash IN (SELECT id_hash FROM pending_authorization WHERE request LIKE ? "
                + "ORDER BY created_at LIMIT " + EXPIRED + ")", "%" + marker + "%");
        assertThat(expired).isEqualTo(EXPIRED);

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (countExpired(marker) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(countExpired(marker)).as("expired pending rows left by the flood, 20 s after they expired: the "
                + "scheduled housekeeping purges them").isZero();
        assertThat(count("SELECT count(*) FROM pending_authorization WHERE request LIKE ? AND expires_at > now()",
                "%" + marker + "%")).as("the flood's requests still waiting are kept").isEqualTo(FLOOD - EXPIRED);

        // nothing live was lost: the access token works, the refresh token refreshes
        assertThat(Flows.userinfo(accessToken).statusCode()).isEqualTo(200);
        HttpResponse<String> refreshed = Flows.post("token", echoClient(), Map.of(
                "grant_type", "refresh_token", "refresh_token", refreshToken));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);

        // the operator sees it: rows removed per table
        HttpResponse<String> metrics = new Browser().get(Flows.endpoint("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(removed(metrics.body(), "pending_authorization")).isGreaterThanOrEqualTo(EXPIRED);
        assertThat(metrics.body()).contains("echoid_housekeeping_runs_total{outcome=\"purged\"}");
        for (String table : new String[] {"pending_consent", "login_throttle", "access_token", "refresh_token",
                "authorization_grant", "sso_session", "authorization_code"}) {
            assertThat(metrics.body()).contains("echoid_housekeeping_rows_removed_total{table=\"" + table + "\"}");
        }
    }

    @Test
    void introspectionOfAnAccessTokenWhoseRecordWasPurgedAnswersInactive() throws Exception {
        String accessToken = Flows.signInAndRedeem(Map.of()).get("access_token").asText();
        assertThat(introspect(accessToken).get("active").asBoolean()).isTrue();
        // what the purge does to the record of an expired token, done here to a live one: the worst case
        assertThat(update("DELETE FROM access_token WHERE jti = ?", JWT.decode(accessToken).getId())).isEqualTo(1);
        assertThat(introspect(accessToken).get("active").asBoolean()).as("no record: never active").isFalse();
        assertThat(Flows.userinfo(accessToken).statusCode()).isEqualTo(401);
    }

    private static JsonNode introspect(String token) {
        HttpResponse<String> response = Flows.post("introspect", echoClient(), Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static long countExpired(String marker) throws SQLException {
        return count("SELECT count(*) FROM pending_authorization WHERE request LIKE ? AND expires_at <= now()",
                "%" + marker + "%");
    }

    private static double removed(String scrape, String table) {
        String prefix = "echoid_housekeeping_rows_removed_total{table=\"" + table + "\"} ";
        return scrape.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()).trim()))
                .findFirst().orElse(-1);
    }

    private static long count(String sql, String parameter) throws SQLException {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static int update(String sql, String parameter) throws SQLException {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, parameter);
            return s.executeUpdate();
        }
    }
}
