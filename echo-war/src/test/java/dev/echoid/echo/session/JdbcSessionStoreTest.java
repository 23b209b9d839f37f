package dev.echoid.echo.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared session table against a real PostgreSQL. */
class JdbcSessionStoreTest {

    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final JdbcSessionStore.Index ALICE = new JdbcSessionStore.Index(
            JdbcSessionStore.hash("iss\u0000sid-1"), JdbcSessionStore.hash("iss\u0000alice"));
    private static EmbeddedPostgres postgres;
    private static JdbcSessionStore store;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        store = JdbcSessionStore.over(postgres.getPostgresDatabase());
        JdbcSessionStore.over(postgres.getPostgresDatabase()); // a second node starting: the table is already there
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private static byte[] newId() {
        return JdbcSessionStore.hash(UUID.randomUUID().toString());
    }

    @Test
    void expiredRowWhenReadThenAbsentAndPurgeDeletesIt() throws Exception {
        byte[] id = newId();
        store.insert(id, new byte[] {1}, ALICE, IDLE);
        assertThat(store.find(id)).isPresent();
        expire(id);
        assertThat(store.find(id)).isEmpty();
        assertThat(store.update(id, new byte[] {2}, ALICE, IDLE)).as("an expired row is not revived").isFalse();
        assertThat(store.purge()).isGreaterThanOrEqualTo(1);
        assertThat(count(id)).isZero();
    }

    @Test
    void deletedRowWhenWrittenBackByALateRequestThenStaysDeleted() {
        byte[] id = newId();
        store.insert(id, new byte[] {1}, ALICE, IDLE);
        store.delete(id); // logout on another node
        assertThat(store.update(id, new byte[] {2}, ALICE, IDLE)).isFalse();
        assertThat(store.find(id)).isEmpty();
    }

    @Test
    void backchannelLogoutWithSidAndSubEndsOnlyThatUsersSessionsOfThatProviderSession() {
        byte[] alice = newId();
        byte[] mallory = newId();
        store.insert(alice, new byte[] {1}, ALICE, IDLE);
        // a session that claims the same sid for another subject is not ended by a token naming alice
        store.insert(mallory, new byte[] {1}, new JdbcSessionStore.Index(ALICE.providerSession(),
                JdbcSessionStore.hash("iss\u0000mallory")), IDLE);
        assertThat(store.deleteByProviderSession(ALICE.providerSession(), ALICE.subject())).isEqualTo(1);
        assertThat(store.find(alice)).isEmpty();
        assertThat(store.find(mallory)).isPresent();
        assertThat(store.deleteByProviderSession(ALICE.providerSession(), null)).isEqualTo(1);
    }

    @Test
    void backchannelLogoutWithOnlySubEndsEverySessionOfThatUser() {
        JdbcSessionStore.Index bob = new JdbcSessionStore.Index(null, JdbcSessionStore.hash("iss\u0000bob"));
        byte[] one = newId();
        byte[] two = newId();
        store.insert(one, new byte[] {1}, bob, IDLE);
        store.insert(two, new byte[] {1}, bob, IDLE);
        assertThat(store.deleteBySubject(bob.subject())).isEqualTo(2);
    }

    @Test
    void lockedWorkWhenRunThenSeesTheRowAsItIsAndWritesItsResult() {
        byte[] id = newId();
        store.insert(id, new byte[] {1}, ALICE, IDLE);
        store.update(id, new byte[] {7}, ALICE, IDLE); // another node renewed meanwhile
        boolean live = store.underLock(id, IDLE, row -> {
            assertThat(row.attributes()).containsExactly(7);
            return Optional.of(new JdbcSessionStore.LockedWork.Result(new byte[] {8}, ALICE));
        });
        assertThat(live).isTrue();
        assertThat(store.find(id).get().attributes()).containsExactly(8);
        assertThat(store.underLock(id, IDLE, row -> Optional.empty())).isTrue();
        assertThat(store.find(id)).isEmpty();
        assertThat(store.underLock(id, IDLE, row -> Optional.empty())).as("gone").isFalse();
    }

    private static void expire(byte[] id) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE echo_gateway.session SET expires_at = now() - interval '1 second' WHERE id_hash = ?")) {
            s.setBytes(1, id);
            s.executeUpdate();
        }
    }

    private static int count(byte[] id) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM echo_gateway.session WHERE id_hash = ?")) {
            s.setBytes(1, id);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
