package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The retry of a refresh whose answer was lost (issue 12), on PostgreSQL with the deployed window: the old token
 * again gets a new pair and kills the dropped one; a stolen old token gains nothing and, where RFC 9700 §4.14.2 says
 * so, revokes the grant; a burst of parallel retries leaves at most one live refresh token.
 */
@ExtendWith(PostgresExtension.class)
class RefreshTokenRetryIT {

    @Test
    void lostAnswerIsRetriedWithTheOldTokenAndTheDroppedPairStopsWorking() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("refresh_retry_lost");
        String old = fixture.refreshTokenOfANewGrant();
        Map<String, Object> dropped = fixture.refreshRequest(old); // committed; the answer never left

        Map<String, Object> retried = fixture.refreshRequest(old);

        assertThat(retried).containsKeys("access_token", "refresh_token", "id_token");
        assertThat(retried.get("refresh_token")).isNotEqualTo(dropped.get("refresh_token"));
        assertThat(revokedGrants(fixture)).isZero();
        assertThat(liveRefreshTokens(fixture)).containsExactly(hash(retried));
        assertThat(accessTokenRevoked(fixture, dropped)).as("the dropped access token").isTrue();
        assertThat(accessTokenRevoked(fixture, retried)).isFalse();
        assertThat(fixture.count("SELECT count(*) FROM audit_event WHERE event_type = 'TOKEN_REFRESH_RETRIED'"))
                .isOne();
        assertThat(fixture.count("SELECT count(*) FROM audit_event WHERE event_type = 'REFRESH_TOKEN_REUSED'"))
                .isZero();

        // the new pair works on; the dropped refresh token, presented by whoever took it, is reuse
        Map<String, Object> next = fixture.refreshRequest((String) retried.get("refresh_token"));
        assertThat(revokedGrants(fixture)).isZero();
        assertInvalid(() -> fixture.refreshRequest((String) dropped.get("refresh_token")));
        assertThat(revokedGrants(fixture)).isOne();
        assertInvalid(() -> fixture.refreshRequest((String) next.get("refresh_token")));
        assertThat(fixture.audit.verify().intact()).isTrue();
    }

    @Test
    void stolenOldTokenReplayedAfterTheSuccessorWasUsedRevokesTheGrantAndGetsNothing() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("refresh_retry_used");
        String old = fixture.refreshTokenOfANewGrant();
        Map<String, Object> legitimate = fixture.refreshRequest(old);
        Map<String, Object> later = fixture.refreshRequest((String) legitimate.get("refresh_token"));
        long accessTokens = fixture.count("SELECT count(*) FROM access_token");

        assertInvalid(() -> fixture.refreshRequest(old)); // within the window, by the same client

        assertThat(revokedGrants(fixture)).isOne();
        assertThat(fixture.count("SELECT count(*) FROM access_token")).as("nothing issued").isEqualTo(accessTokens);
        assertThat(fixture.count("SELECT count(*) FROM audit_event WHERE event_type = 'TOKEN_REFRESH_RETRIED'"))
                .isZero();
        assertInvalid(() -> fixture.refreshRequest((String) later.get("refresh_token")));
    }

    @Test
    void oldTokenReplayedAfterTheWindowRevokesTheGrant() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("refresh_retry_late");
        String old = fixture.refreshTokenOfANewGrant();
        Map<String, Object> dropped = fixture.refreshRequest(old);
        sql(fixture, "UPDATE refresh_token SET rotated_at = now() - interval '31 seconds' WHERE token_hash = ?",
                Sha256.base64Url(old));

        assertInvalid(() -> fixture.refreshRequest(old));

        assertThat(revokedGrants(fixture)).isOne();
        assertInvalid(() -> fixture.refreshRequest((String) dropped.get("refresh_token")));
    }

    @Test
    void oldTokenReplayedByAnotherClientIsRefusedAndChangesNothing() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("refresh_retry_other");
        Client other = new Client("intruder", "Intruder", "hash", List.of(URI.create("https://i.example/cb")), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN), List.of(), null, "RS256", false);
        new JdbcClients(fixture.database).createIfAbsent(other);
        String old = fixture.refreshTokenOfANewGrant();
        Map<String, Object> dropped = fixture.refreshRequest(old);
        long accessTokens = fixture.count("SELECT count(*) FROM access_token");

        assertInvalid(() -> fixture.refreshRequest(old, other));

        assertThat(revokedGrants(fixture)).isZero();
        assertThat(liveRefreshTokens(fixture)).containsExactly(hash(dropped));
        assertThat(accessTokenRevoked(fixture, dropped)).isFalse();
        assertThat(fixture.count("SELECT count(*) FROM access_token")).isEqualTo(accessTokens);
    }

    @Test
    void parallelBurstOfRetriesLeavesAtMostOneLiveRefreshToken() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("refresh_retry_burst");
        String old = fixture.refreshTokenOfANewGrant();
        fixture.refreshRequest(old); // the answer lost

        int burst = 20;
        ExecutorService pool = Executors.newFixedThreadPool(burst);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<String, Object>>> answers = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return fixture.refreshRequest(old);
            }));
        }
        start.countDown();
        List<Map<String, Object>> issued = new ArrayList<>();
        int refused = 0;
        for (Future<Map<String, Object>> answer : answers) {
            try {
                issued.add(answer.get());
            } catch (java.util.concurrent.ExecutionException e) {
                // every other answer is invalid_grant, never a failure of the server
                assertThat(e.getCause()).isInstanceOfSatisfying(OAuthException.class,
                        refusal -> assertThat(refusal.error()).isEqualTo(OAuthError.INVALID_GRANT));
                refused++;
            }
        }
        pool.shutdown();
        boolean revoked = revokedGrants(fixture) == 1;
        System.out.println("burst of " + burst + " retries: " + issued.size() + " issued, " + refused
                + " invalid_grant, grant revoked: " + revoked);

        assertThat(issued.size() + refused).isEqualTo(burst);
        List<String> live = liveRefreshTokens(fixture);
        assertThat(live).as("live refresh tokens of the grant").hasSizeLessThanOrEqualTo(1);
        assertThat(issued.stream().map(RefreshTokenRetryIT::hash).toList()).containsAll(live);
        // of the pairs handed out, at most one still works: the others' access tokens are revoked too
        long working = 0;
        for (Map<String, Object> pair : issued) {
            working += revoked || accessTokenRevoked(fixture, pair) ? 0 : 1;
        }
        assertThat(working).isEqualTo(live.size());
        assertThat(fixture.audit.verify().intact()).isTrue();
    }

    private static long revokedGrants(TokenGrantFixture fixture) throws Exception {
        return fixture.count("SELECT count(*) FROM authorization_grant WHERE revoked_at IS NOT NULL");
    }

    /** The refresh tokens that would still refresh: unused, their grant in force. */
    private static List<String> liveRefreshTokens(TokenGrantFixture fixture) throws Exception {
        List<String> live = new ArrayList<>();
        try (Connection db = fixture.database.getConnection(); ResultSet rows = db.createStatement().executeQuery(
                "SELECT r.token_hash FROM refresh_token r JOIN authorization_grant g ON g.id = r.grant_id "
                        + "WHERE r.rotated_at IS NULL AND g.revoked_at IS NULL")) {
            while (rows.next()) {
                live.add(rows.getString(1));
            }
        }
        return live;
    }

    private static boolean accessTokenRevoked(TokenGrantFixture fixture, Map<String, Object> response)
            throws Exception {
        String jti = JWT.decode((String) response.get("access_token")).getId();
        return fixture.count("SELECT count(*) FROM access_token WHERE revoked_at IS NOT NULL AND jti = '"
                + jti.replace("'", "") + "'") == 1;
    }

    private static void sql(TokenGrantFixture fixture, String statement, String value) throws Exception {
        try (Connection db = fixture.database.getConnection(); PreparedStatement sql = db.prepareStatement(statement)) {
            sql.setString(1, value);
            sql.executeUpdate();
        }
    }

    private static String hash(Map<String, Object> response) {
        return Sha256.base64Url((String) response.get("refresh_token"));
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_GRANT));
    }
}
