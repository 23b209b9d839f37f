package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.housekeeping.Housekeeping;
import dev.echoid.identity.housekeeping.Housekeeping.Run;
import dev.echoid.identity.store.AdvisoryLock;
import dev.echoid.identity.store.JdbcPendingRequests;
import dev.echoid.identity.token.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The housekeeping on a real PostgreSQL (issue 11, item 5): what a flood leaves is purged, in bounded batches, one
 * node at a time, and nothing that still counts is lost: live sessions, tokens and codes, a used refresh token whose
 * reuse must still revoke its grant, a redeemed code whose replay must still revoke its grant, the codes that name
 * a live session's clients for its logout.
 */
@ExtendWith(PostgresExtension.class)
class HousekeepingIT {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration FAILURE_RESET = Duration.ofHours(12);
    private static final String CLIENT = "echo";

    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void floodOfUnauthenticatedAuthorizeRequestsLeavesOnlyTheUnexpiredOnesAfterAPurge() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("hk_flood");
        // what 1,050 unauthenticated /authorize requests leave, written as the provider writes them
        JdbcPendingRequests pending = new JdbcPendingRequests(database);
        for (int i = 0; i < 1_050; i++) {
            Instant expiresAt = i < 700 ? NOW.minusSeconds(1 + i) : NOW.plus(Duration.ofMinutes(10));
            pending.save("flood-" + i, "browser-" + i, "{\"state\":\"flood-" + i + "\"}", expiresAt);
        }
        CountingDataSource counting = new CountingDataSource(database);
        Housekeeping housekeeping = Housekeeping.of(counting.dataSource(), settings(100), clock);

        Run run = housekeeping.runOnce();

        assertThat(run.purged()).isTrue();
        assertThat(run.removed()).containsEntry("pending_authorization", 700L);
        assertThat(count(database, "SELECT count(*) FROM pending_authorization")).isEqualTo(350);
        assertThat(count(database, "SELECT count(*) FROM pending_authorization WHERE expires_at <= ?", NOW))
                .as("no expired request left").isZero();
        assertThat(housekeeping.removedRows("pending_authorization")).as("the metric's count").isEqualTo(700);
        // bounded: 100 rows per statement, so 7 full batches and one short one that ends the table
        assertThat(counting.statements.stream().filter(sql -> sql.startsWith("DELETE FROM pending_authorization")))
                .hasSize(8);
        // a second run finds nothing more
        assertThat(housekeeping.runOnce().total()).isZero();
        // ten minutes later, the rest went the same way
        clock.advance(Duration.ofMinutes(11));
        assertThat(housekeeping.runOnce().removed()).containsEntry("pending_authorization", 350L);
        assertThat(count(database, "SELECT count(*) FROM pending_authorization")).isZero();
    }

    @Test
    void purgeRemovesWhatNoLongerCountsAndKeepsEveryLiveSessionTokenAndCode() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("hk_tables");
        Rows rows = new Rows(database);
        UUID user = rows.user();
        rows.client();

        // sign-on sessions
        UUID liveSession = rows.session(NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60), NOW.plusSeconds(3600),
                null);
        UUID endedSession = rows.session(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofHours(2)),
                NOW.plus(Duration.ofHours(5)), NOW.minus(Duration.ofHours(2)));
        UUID offlineSession = rows.session(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofHours(2)),
                NOW.plus(Duration.ofHours(5)), NOW.minus(Duration.ofHours(2)));
        // idle since 10 minutes ago (last seen 40 minutes ago): within the retention, kept
        UUID recentlyIdle = rows.session(NOW.minus(Duration.ofHours(2)), NOW.minus(Duration.ofMinutes(40)),
                NOW.plus(Duration.ofHours(5)), null);
        // idle for hours, never ended, nothing refers to it
        UUID longIdle = rows.session(NOW.minus(Duration.ofHours(6)), NOW.minus(Duration.ofHours(5)),
                NOW.plus(Duration.ofHours(4)), null);

        // grants and their tokens
        UUID liveGrant = rows.grant(liveSession, NOW.minus(Duration.ofMinutes(50)), NOW.plus(Duration.ofDays(30)),
                null);
        rows.accessToken("live-at", liveGrant, NOW.plusSeconds(300));
        rows.accessToken("recently-expired-at", liveGrant, NOW.minus(Duration.ofMinutes(30)));
        rows.accessToken("long-expired-at", liveGrant, NOW.minus(Duration.ofHours(2)));
        rows.refreshToken("live-rt", liveGrant, NOW.plus(Duration.ofDays(1)), null);
        // used 20 minutes ago and not expired: its reuse must still revoke the grant
        rows.refreshToken("used-rt", liveGrant, NOW.plus(Duration.ofHours(20)), NOW.minus(Duration.ofMinutes(20)));
        rows.refreshToken("long-expired-rt", liveGrant, NOW.minus(Duration.ofHours(2)),
                NOW.minus(Duration.ofDays(1)));
        UUID offlineGrant = rows.grant(offlineSession, NOW.minus(Duration.ofHours(5)), NOW.plus(Duration.ofDays(30)),
                null);
        rows.refreshToken("offline-rt", offlineGrant, NOW.plus(Duration.ofHours(10)), null);
        // client_credentials, long over: its access token expired two hours ago
        UUID spentGrant = rows.grant(null, NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)), null);
        rows.accessToken("spent-at", spentGrant, NOW.minus(Duration.ofHours(2)));
        // revoked long ago, its tokens expired since
        UUID revokedGrant = rows.grant(endedSession, NOW.minus(Duration.ofHours(4)), NOW.plus(Duration.ofDays(30)),
                NOW.minus(Duration.ofHours(2)));
        rows.refreshToken("revoked-rt", revokedGrant, NOW.minus(Duration.ofMinutes(90)), null);
        // revoked, but one of its refresh tokens is not expired yet: kept until it is (it is refused as revoked)
        UUID revokedRecently = rows.grant(null, NOW.minus(Duration.ofHours(4)), NOW.plus(Duration.ofDays(30)),
                NOW.minus(Duration.ofHours(2)));
        rows.refreshToken("revoked-unexpired-rt", revokedRecently, NOW.plus(Duration.ofHours(10)), null);

        // codes
        rows.code("live-code", null, null, NOW.plusSeconds(30), null);
        rows.code("expired-code", null, null, NOW.minus(Duration.ofHours(2)), null);
        rows.code("recently-expired-code", null, null, NOW.minus(Duration.ofMinutes(30)), null);
        // redeemed for a grant that still has tokens: a replay must revoke it
        rows.code("redeemed-code", liveGrant, liveSession, NOW.minus(Duration.ofHours(2)),
                NOW.minus(Duration.ofHours(2)));
        // a live session's code: the session's logout tells this client
        rows.code("live-session-code", null, liveSession, NOW.minus(Duration.ofHours(2)), null);
        // redeemed for a grant that never came to be (a refused redemption spends the code)
        rows.code("spent-code", UUID.randomUUID(), endedSession, NOW.minus(Duration.ofHours(3)),
                NOW.minus(Duration.ofHours(3)));
        rows.code("long-idle-session-code", null, longIdle, NOW.minus(Duration.ofHours(5)), null);

        // back-channel logouts: delivered long ago and lately, dead-lettered beyond and within their 7 days, pending
        UUID deliveredLongAgo = rows.logout(endedSession, "delivered", NOW.minus(Duration.ofHours(2)));
        UUID deliveredLately = rows.logout(offlineSession, "delivered", NOW.minus(Duration.ofMinutes(30)));
        UUID deadLongAgo = rows.logout(longIdle, "dead", NOW.minus(Duration.ofDays(8)));
        UUID deadLately = rows.logout(recentlyIdle, "dead", NOW.minus(Duration.ofDays(2)));
        UUID stillPending = rows.logout(liveSession, "pending", null);

        // consent requests and sign-in throttles
        rows.pendingConsent("live-consent", liveSession, NOW.plusSeconds(300));
        rows.pendingConsent("expired-consent", liveSession, NOW.minusSeconds(1));
        rows.throttle("pair:spent", NOW.minus(FAILURE_RESET).minusSeconds(1), null, null);
        rows.throttle("pair:recent", NOW.minus(Duration.ofMinutes(1)), null, null);
        rows.throttle("pair:locked", NOW.minus(FAILURE_RESET).minusSeconds(1), NOW.plusSeconds(60), null);
        rows.throttle("pair:reserved", NOW.minus(FAILURE_RESET).minusSeconds(1), null, NOW.minusSeconds(10));
        rows.throttle("pair:stale-reservation", NOW.minus(FAILURE_RESET).minusSeconds(1), null,
                NOW.minus(Duration.ofMinutes(2)));
        long audit = count(database, "SELECT count(*) FROM audit_event");

        Run run = Housekeeping.of(database, settings(1_000), clock).runOnce();

        assertThat(run.purged()).isTrue();
        assertThat(run.removed()).isEqualTo(Map.of(
                "pending_authorization", 0L, "pending_consent", 1L, "login_throttle", 2L, "access_token", 2L,
                "refresh_token", 2L, "authorization_grant", 2L, "sso_session", 2L, "authorization_code", 3L,
                "backchannel_logout_outbox", 2L));
        // a pending logout is never purged; a dead letter stays for the operator for its retention
        assertThat(rows.ids("SELECT id::text FROM backchannel_logout_outbox")).containsExactlyInAnyOrder(
                deliveredLately.toString(), deadLately.toString(), stillPending.toString())
                .doesNotContain(deliveredLongAgo.toString(), deadLongAgo.toString());
        assertThat(rows.ids("SELECT id::text FROM sso_session")).containsExactlyInAnyOrder(
                liveSession.toString(), offlineSession.toString(), recentlyIdle.toString());
        assertThat(rows.ids("SELECT id::text FROM authorization_grant")).containsExactlyInAnyOrder(
                liveGrant.toString(), offlineGrant.toString(), revokedRecently.toString());
        assertThat(rows.ids("SELECT jti FROM access_token")).containsExactlyInAnyOrder("live-at",
                "recently-expired-at");
        assertThat(rows.ids("SELECT token_hash FROM refresh_token")).containsExactlyInAnyOrder("live-rt", "used-rt",
                "offline-rt", "revoked-unexpired-rt");
        assertThat(rows.ids("SELECT code_hash FROM authorization_code")).containsExactlyInAnyOrder("live-code",
                "recently-expired-code", "redeemed-code", "live-session-code");
        assertThat(rows.ids("SELECT id_hash FROM pending_consent")).containsExactly("live-consent");
        assertThat(rows.ids("SELECT throttle_key FROM login_throttle")).containsExactlyInAnyOrder("pair:recent",
                "pair:locked", "pair:reserved");
        assertThat(count(database, "SELECT count(*) FROM audit_event")).as("the audit chain is never purged")
                .isEqualTo(audit);
        assertThat(rows.ids("SELECT id::text FROM app_user")).containsExactly(user.toString());

        // the used refresh token goes only once it has expired, and its grant with the last of its tokens
        clock.set(NOW.plus(Duration.ofDays(2)));
        Housekeeping.of(database, settings(1_000), clock).runOnce();
        assertThat(rows.ids("SELECT token_hash FROM refresh_token")).isEmpty();
        assertThat(rows.ids("SELECT id::text FROM authorization_grant")).isEmpty();
        assertThat(rows.ids("SELECT code_hash FROM authorization_code")).isEmpty();
        assertThat(rows.ids("SELECT id::text FROM sso_session")).isEmpty();
    }

    @Test
    void secondNodeSkipsWhileTheFirstPurges() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("hk_two_nodes");
        JdbcPendingRequests pending = new JdbcPendingRequests(database);
        for (int i = 0; i < 50; i++) {
            pending.save("expired-" + i, "browser", "{}", NOW.minusSeconds(60));
        }
        // node A: its first purge waits, holding the lock, until the test lets it go on
        CountDownLatch purging = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        List<Housekeeping.Purge> slow = List.of(new Housekeeping.Purge("pending_authorization", (now, limit) -> {
            purging.countDown();
            await(goOn);
            return pending.deleteExpired(now, limit);
        }));
        Housekeeping nodeA = new Housekeeping(new AdvisoryLock(database, AdvisoryLock.HOUSEKEEPING), slow,
                settings(1_000).housekeeping(), clock);
        Housekeeping nodeB = Housekeeping.of(otherNode(database), settings(1_000), clock);

        CompletableFuture<Run> runA = CompletableFuture.supplyAsync(nodeA::runOnce);
        assertThat(purging.await(30, TimeUnit.SECONDS)).isTrue();
        Run runB = nodeB.runOnce();
        assertThat(runB.purged()).as("node B skips while node A purges").isFalse();
        assertThat(runB.total()).isZero();
        assertThat(nodeB.skippedRuns()).isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM pending_authorization")).as("B deleted nothing")
                .isEqualTo(50);
        goOn.countDown();
        assertThat(runA.get(30, TimeUnit.SECONDS).removed()).containsEntry("pending_authorization", 50L);

        // A done (its lock released): B's next run purges
        pending.save("expired-late", "browser", "{}", NOW.minusSeconds(1));
        Run later = nodeB.runOnce();
        assertThat(later.purged()).isTrue();
        assertThat(later.removed()).containsEntry("pending_authorization", 1L);
    }

    @Test
    void runWhenAnotherSessionHoldsTheHousekeepingLockThenSkipsAndWhenItHoldsTheChainersLockThenPurges()
            throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("hk_lock_keys");
        new JdbcPendingRequests(database).save("expired", "browser", "{}", NOW.minusSeconds(1));
        // a small pool, as the provider's keeps its connections open between runs (a run takes two: the lock's, and
        // one for each batch)
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setDataSource(database);
            pool.setMaximumPoolSize(2);
            pool.setMinimumIdle(2);
            Housekeeping housekeeping = Housekeeping.of(pool, settings(1_000), clock);
            try (Connection other = database.getConnection()) {
                assertThat(lock(other, "pg_try_advisory_lock", AdvisoryLock.HOUSEKEEPING)).isTrue();
                assertThat(housekeeping.runOnce().purged()).isFalse();
                assertThat(lock(other, "pg_advisory_unlock", AdvisoryLock.HOUSEKEEPING)).isTrue();
                // the audit chainer's key ("echoidAC") is another lock: a chaining run does not hold up a purge
                assertThat(lock(other, "pg_try_advisory_lock", 0x6563686f69644143L)).isTrue();
                assertThat(housekeeping.runOnce().removed()).containsEntry("pending_authorization", 1L);
                // the pooled connections are still open, and the lock's let it go when the run ended
                assertThat(lock(other, "pg_try_advisory_lock", AdvisoryLock.HOUSEKEEPING))
                        .as("the lock is released after a run, not left on the pooled connection").isTrue();
            }
        }
    }

    private static boolean lock(Connection connection, String function, long key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT " + function + "(?)")) {
            s.setLong(1, key);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static IdentitySettings settings(int batchSize) {
        return IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example",
                "IDENTITY_HOUSEKEEPING_BATCH_SIZE", String.valueOf(batchSize),
                "IDENTITY_HOUSEKEEPING_RETENTION_SECONDS", String.valueOf(RETENTION.toSeconds()),
                "IDENTITY_SESSION_IDLE_SECONDS", String.valueOf(IDLE.toSeconds()),
                "IDENTITY_BRUTE_FORCE_FAILURE_RESET_SECONDS", String.valueOf(FAILURE_RESET.toSeconds()))));
    }

    /** The same database through another data source: another node. */
    private static DataSource otherNode(PGSimpleDataSource database) {
        PGSimpleDataSource other = new PGSimpleDataSource();
        other.setUrl(database.getUrl());
        other.setUser("postgres");
        other.setPassword("postgres");
        return other;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long count(DataSource database, String sql, Object... values) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i] instanceof Instant instant ? Timestamp.from(instant) : values[i]);
            }
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Rows written directly, with the timestamps a test needs. */
    private static final class Rows {

        private final DataSource database;
        private UUID user;

        Rows(DataSource database) {
            this.database = database;
        }

        UUID user() throws SQLException {
            user = UUID.randomUUID();
            insert("INSERT INTO app_user (id, username, password_hash) VALUES (?, ?, 'x')", user, "ada");
            return user;
        }

        void client() throws SQLException {
            insert("INSERT INTO client (client_id, name, redirect_uris) VALUES (?, 'Echo', "
                    + "ARRAY['https://echo.example/callback'])", CLIENT);
        }

        UUID session(Instant createdAt, Instant lastSeenAt, Instant expiresAt, Instant endedAt) throws SQLException {
            UUID id = UUID.randomUUID();
            insert("INSERT INTO sso_session (id, secret_hash, user_id, auth_time, created_at, last_seen_at, "
                    + "expires_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, "secret-" + id, user, createdAt,
                    createdAt, lastSeenAt, expiresAt, endedAt);
            return id;
        }

        /** A back-channel logout of {@code session} to the client, finished (delivered or dead) at {@code at}. */
        UUID logout(UUID session, String state, Instant finishedAt) throws SQLException {
            UUID id = UUID.randomUUID();
            Instant createdAt = finishedAt == null ? NOW.minus(Duration.ofHours(3)) : finishedAt.minusSeconds(60);
            insert("INSERT INTO backchannel_logout_outbox (id, sso_session_id, user_id, client_id, "
                    + "backchannel_logout_uri, state, attempts, created_at, queued_at, next_attempt_at, finished_at) "
                    + "VALUES (?, ?, ?, ?, 'https://echo.example/bc', ?, 1, ?, ?, ?, ?)", id, session, user, CLIENT,
                    state, createdAt, createdAt, createdAt, finishedAt);
            return id;
        }

        UUID grant(UUID session, Instant createdAt, Instant expiresAt, Instant revokedAt) throws SQLException {
            UUID id = UUID.randomUUID();
            insert("INSERT INTO authorization_grant (id, client_id, user_id, sso_session_id, scope, created_at, "
                    + "expires_at, revoked_at) VALUES (?, ?, ?, ?, 'openid', ?, ?, ?)", id, CLIENT,
                    session == null ? null : user, session, createdAt, expiresAt, revokedAt);
            return id;
        }

        void accessToken(String jti, UUID grant, Instant expiresAt) throws SQLException {
            insert("INSERT INTO access_token (jti, grant_id, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    jti, grant, CLIENT, expiresAt.minusSeconds(600), expiresAt);
        }

        void refreshToken(String hash, UUID grant, Instant expiresAt, Instant rotatedAt) throws SQLException {
            insert("INSERT INTO refresh_token (token_hash, grant_id, issued_at, expires_at, rotated_at) "
                    + "VALUES (?, ?, ?, ?, ?)", hash, grant, expiresAt.minus(Duration.ofDays(1)), expiresAt,
                    rotatedAt);
        }

        void code(String hash, UUID grant, UUID session, Instant expiresAt, Instant redeemedAt) throws SQLException {
            insert("INSERT INTO authorization_code (code_hash, client_id, user_id, redirect_uri, scope, auth_time, "
                    + "issued_at, expires_at, redeemed_at, grant_id, sso_session_id) "
                    + "VALUES (?, ?, ?, 'https://echo.example/callback', 'openid', ?, ?, ?, ?, ?, ?)", hash, CLIENT,
                    user, expiresAt.minusSeconds(60), expiresAt.minusSeconds(60), expiresAt, redeemedAt, grant,
                    session);
        }

        void pendingConsent(String hash, UUID session, Instant expiresAt) throws SQLException {
            insert("INSERT INTO pending_consent (id_hash, browser_hash, sso_session_id, request, expires_at) "
                    + "VALUES (?, 'browser', ?, '{}', ?)", hash, session, expiresAt);
        }

        void throttle(String key, Instant lastFailureAt, Instant lockedUntil, Instant reservedAt)
                throws SQLException {
            insert("INSERT INTO login_throttle (throttle_key, failures, last_failure_at, locked_until, in_flight, "
                    + "reserved_at) VALUES (?, 3, ?, ?, ?, ?)", key, lastFailureAt, lockedUntil,
                    reservedAt == null ? 0 : 1, reservedAt);
        }

        List<String> ids(String sql) throws SQLException {
            List<String> ids = new ArrayList<>();
            try (Connection connection = database.getConnection();
                    PreparedStatement s = connection.prepareStatement(sql);
                    ResultSet row = s.executeQuery()) {
                while (row.next()) {
                    ids.add(row.getString(1));
                }
            }
            return ids;
        }

        private void insert(String sql, Object... values) throws SQLException {
            try (Connection connection = database.getConnection();
                    PreparedStatement s = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    Object value = values[i] instanceof Instant instant
                            ? Timestamp.from(instant.truncatedTo(ChronoUnit.MICROS)) : values[i];
                    if (value == null) {
                        s.setNull(i + 1, java.sql.Types.NULL);
                    } else {
                        s.setObject(i + 1, value);
                    }
                }
                s.executeUpdate();
            }
        }
    }
}
