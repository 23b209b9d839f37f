package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.echoid.plumbing.LogFormat;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditTrail.Status;
import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.identity.store.JdbcTransactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Audit rows inserted now and chained later (issue 10, item 5), attacked: bursts from two nodes, rolled-back and
 * long transactions, a chainer that dies mid-way, a chain that stops, and rows inserted by someone without the key.
 */
@ExtendWith(PostgresExtension.class)
class AuditChainerIT {

    private final byte[] auditKey = dev.echoid.identity.security.RandomTokens.bytes(32);

    @Test
    void burstOf200InsertsFrom20ThreadsOnTwoNodesEndsInOneVerifiedChainWithNoRowLost() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_burst");
        JdbcAuditLog nodeA = log(database);
        JdbcAuditLog nodeB = log(secondNode(database));
        nodeA.prepare();
        nodeB.prepare();
        nodeA.chainer().start(Duration.ofMillis(20));
        nodeB.chainer().start(Duration.ofMillis(20));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<?>> inserts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                JdbcAuditLog node = i % 2 == 0 ? nodeA : nodeB;
                String detail = "burst " + i;
                inserts.add(pool.submit(() -> node.record(AuditEvent.failure(AuditEvent.Type.TOKEN_REQUEST_FAILED,
                        "echo", null, null, "203.0.113.7", detail))));
            }
            for (Future<?> insert : inserts) {
                insert.get(60, TimeUnit.SECONDS);
            }
            awaitChained(nodeA);
        } finally {
            pool.shutdown();
            nodeA.chainer().close();
            nodeB.chainer().close();
        }
        Verification verified = nodeB.verify();
        assertThat(verified.status()).as(verified.problem()).isEqualTo(Status.OK);
        assertThat(verified.rowsChecked()).isEqualTo(200);
        assertThat(verified.pending()).isZero();
        assertThat(nodeA.chainer().chainedRows() + nodeB.chainer().chainedRows())
                .as("each row chained once, by one node or the other").isEqualTo(200);
        Set<String> details = new HashSet<>(strings(database, "SELECT detail FROM audit_event"));
        for (int i = 0; i < 200; i++) {
            assertThat(details).as("no row lost").contains("burst " + i);
        }
        assertThat(strings(database, "SELECT count(*) FROM audit_event WHERE row_hash IS NULL")).containsExactly("0");
    }

    @Test
    void rolledBackTransactionRecordsNothingAndItsIdGapDoesNotBreakVerify() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_rollback");
        JdbcAuditLog log = log(database);
        log.prepare();
        log.record(event("before"));
        JdbcTransactions transactions = new JdbcTransactions(database);
        assertThatThrownBy(() -> transactions.inTransaction(tx -> {
            log.record(tx, event("a grant that failed after its audit row"));
            throw new IllegalStateException("signing failed");
        })).hasMessage("signing failed");
        transactions.inTransaction(tx -> {
            log.record(tx, event("a grant that committed"));
            return null;
        });
        log.record(event("after"));
        log.chainer().chainPending();

        assertThat(strings(database, "SELECT detail FROM audit_event ORDER BY id"))
                .containsExactly("before", "a grant that committed", "after");
        assertThat(strings(database, "SELECT string_agg(id::text, ',' ORDER BY id) FROM audit_event"))
                .as("the rolled-back insert's id is a gap").containsExactly("1,3,4");
        Verification verified = log.verify();
        assertThat(verified.status()).as(verified.problem()).isEqualTo(Status.OK);
        assertThat(verified.rowsChecked()).isEqualTo(3);
        assertThat(verified.pending()).isZero();
    }

    @Test
    void rowOfALongTransactionWithASmallerIdIsWaitedForNotSkipped() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_long_tx");
        JdbcAuditLog log = log(database);
        log.prepare();
        JdbcTransactions transactions = new JdbcTransactions(database);
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService slow = Executors.newSingleThreadExecutor();
        try {
            Future<?> grant = slow.submit(() -> transactions.inTransaction(tx -> {
                log.record(tx, event("slow grant"));
                inserted.countDown();
                await(release);
                return null;
            }));
            assertThat(inserted.await(30, TimeUnit.SECONDS)).isTrue();
            log.record(event("fast"));
            log.chainer().chainPending();
            assertThat(strings(database, "SELECT count(*) FROM audit_event WHERE row_hash IS NOT NULL"))
                    .as("the committed row waits for the older transaction still open").containsExactly("0");
            Verification waiting = log.verify();
            assertThat(waiting.status()).as(waiting.problem()).isEqualTo(Status.OK);
            assertThat(waiting.pending()).isEqualTo(1);

            release.countDown();
            grant.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            slow.shutdown();
        }
        log.chainer().chainPending();
        Verification verified = log.verify();
        assertThat(verified.status()).as(verified.problem()).isEqualTo(Status.OK);
        assertThat(verified.rowsChecked()).isEqualTo(2);
        assertThat(verified.pending()).isZero();
        assertThat(strings(database, "SELECT detail FROM audit_event ORDER BY xact_id, id"))
                .as("chained in the order of the inserting transactions").containsExactly("slow grant", "fast");
        assertThat(strings(database, "SELECT string_agg(id::text, ',' ORDER BY id) FROM audit_event "
                + "WHERE prev_hash = (SELECT row_hash FROM audit_event WHERE detail = 'slow grant')"))
                .containsExactly(strings(database, "SELECT id FROM audit_event WHERE detail = 'fast'").get(0));
    }

    @Test
    void chainerKilledMidwayRollsBackAndTheNextOneResumes() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_killed");
        JdbcAuditLog log = log(database);
        log.prepare();
        for (int i = 0; i < 10; i++) {
            log.record(event("row " + i));
        }
        log.chainer().chainPending();
        for (int i = 10; i < 20; i++) {
            log.record(event("row " + i));
        }
        CountingDataSource faulty = new CountingDataSource(database);
        faulty.failWhen = sql -> sql.startsWith("UPDATE audit_chain_head"); // dies after linking, before the head
        JdbcAuditLog dying = log(faulty.dataSource());
        assertThatThrownBy(() -> dying.chainer().chainPending()).hasStackTraceContaining("connection was lost");
        assertThat(strings(database, "SELECT count(*) FROM audit_event WHERE row_hash IS NULL"))
                .as("its links rolled back with it").containsExactly("10");

        log.chainer().chainPending();
        Verification verified = log.verify();
        assertThat(verified.status()).as(verified.problem()).isEqualTo(Status.OK);
        assertThat(verified.rowsChecked()).isEqualTo(20);
    }

    @Test
    void rowUnchainedLongerThanTheBoundIsReportedAndAYoungerOneIsPending() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_overdue");
        JdbcAuditLog log = log(database);
        log.prepare();
        log.record(event("chained"));
        try (Connection open = database.getConnection(); Statement sql = open.createStatement()) {
            // a transaction left open (a stuck session) holds the horizon: nothing after it can be chained
            open.setAutoCommit(false);
            sql.execute("SELECT pg_current_xact_id()");
            log.record(event("young"));
            Verification pending = log.verify();
            assertThat(pending.status()).as(pending.problem()).isEqualTo(Status.OK);
            assertThat(pending.pending()).isEqualTo(1);
            assertThat(pending.rowsChecked()).isEqualTo(1);

            log.record(new AuditEvent(Instant.now().minusSeconds(120), AuditEvent.Type.LOGOUT,
                    AuditEvent.Outcome.SUCCESS, "echo", null, null, null, "overdue", null));
            Verification overdue = log.verify();
            assertThat(overdue.status()).isEqualTo(Status.BROKEN);
            assertThat(overdue.problem()).contains("has waited more than 60 s to be chained");
            assertThat(overdue.brokenRowId()).isEqualTo(Long.valueOf(strings(database,
                    "SELECT id FROM audit_event WHERE detail = 'overdue'").get(0)));
            open.rollback();
        }
        Verification verified = log.verify();
        assertThat(verified.status()).as(verified.problem()).isEqualTo(Status.OK);
        assertThat(verified.rowsChecked()).isEqualTo(3);
    }

    @Test
    void eventsAreStampedByTheProvidersClockNotTheMachines() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_clock");
        Instant providerTime = Instant.parse("2031-03-04T05:06:07.123456Z");
        JdbcAuditLog log = new JdbcAuditLog(database, Optional.of(auditKey), LogFormat.TEXT,
                JdbcAuditLog.DEFAULT_CHAIN_BOUND, Clock.fixed(providerTime, ZoneOffset.UTC));
        log.prepare();
        log.record(event("on its own"));
        new JdbcTransactions(database).inTransaction(tx -> {
            log.record(tx, event("in a grant's transaction"));
            return null;
        });
        // an event built with its time (a back-fill) keeps it
        Instant earlier = Instant.parse("2030-01-02T03:04:05Z");
        log.record(new AuditEvent(earlier, AuditEvent.Type.LOGOUT, AuditEvent.Outcome.SUCCESS, "echo", null, null,
                null, "dated", null));

        assertThat(log.recent(3)).extracting(AuditEvent::detail, AuditEvent::occurredAt).containsExactlyInAnyOrder(
                tuple("on its own", providerTime),
                tuple("in a grant's transaction", providerTime),
                tuple("dated", earlier));
        Verification verified = log.verify();
        assertThat(verified.status()).as(verified.problem()).isEqualTo(Status.OK);
    }

    @Test
    void rowInsertedWithoutTheKeyIsNeverChainedAndVerifySaysSo() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_forged_insert");
        JdbcAuditLog log = log(database);
        log.prepare();
        log.record(event("real"));
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            // the attacker can write the database (INSERT is allowed) but has no key: the chainer must not seal it
            sql.execute("INSERT INTO audit_event (occurred_at, event_type, outcome, detail, chain_version, "
                    + "insert_mac) VALUES (now(), 'LOGIN_SUCCEEDED', 'success', 'forged', 2, repeat('a', 64))");
        }
        log.record(event("real after"));
        log.chainer().chainPending();
        assertThat(strings(database, "SELECT row_hash IS NULL FROM audit_event WHERE detail = 'forged'"))
                .containsExactly("t");
        Verification verified = log.verify();
        assertThat(verified.status()).isEqualTo(Status.BROKEN);
        assertThat(verified.problem()).contains("without IDENTITY_AUDIT_KEY").contains("not chained");
        assertThat(verified.brokenRowId()).isEqualTo(Long.valueOf(strings(database,
                "SELECT id FROM audit_event WHERE detail = 'forged'").get(0)));
    }

    @Test
    void triggerAllowsOnlyTheChainersLinkingOfAnUnchainedRow() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_trigger");
        JdbcAuditLog log = log(database);
        log.prepare();
        log.record(event("chained"));
        log.chainer().chainPending();
        log.record(event("unchained"));
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("UPDATE audit_event SET detail = 'x', prev_hash = "
                    + "repeat('0', 64), row_hash = repeat('1', 64) WHERE detail = 'unchained'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> sql.executeUpdate("UPDATE audit_event SET prev_hash = NULL, row_hash = NULL "
                    + "WHERE detail = 'chained'")).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> sql.executeUpdate("UPDATE audit_event SET prev_hash = repeat('0', 64), "
                    + "row_hash = repeat('1', 64) WHERE detail = 'chained'"))
                    .as("a chained row is not re-linked").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> sql.executeUpdate("UPDATE audit_event SET xact_id = '1' WHERE detail = "
                    + "'unchained'")).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
        log.chainer().chainPending();
        assertThat(log.verify().intact()).isTrue();
    }

    // --- helpers ---

    private JdbcAuditLog log(DataSource database) {
        return new JdbcAuditLog(database, Optional.of(auditKey), LogFormat.TEXT);
    }

    private static DataSource secondNode(PGSimpleDataSource database) {
        PGSimpleDataSource other = new PGSimpleDataSource();
        other.setUrl(database.getUrl());
        other.setUser(database.getUser());
        other.setPassword(database.getPassword());
        return other;
    }

    private static AuditEvent event(String detail) {
        return AuditEvent.success(AuditEvent.Type.TOKEN_REVOKED, "echo", null, null, "127.0.0.1", detail);
    }

    private static void awaitChained(JdbcAuditLog log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (log.chainer().unchainedRows() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> strings(DataSource database, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
