package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.JdbcAuditLog;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * 1,000 audit inserts one after the other and 1,000 from 8 threads, through a pool of 8 connections, then verify:
 * prints the time of each (a figure for the README, not a timed assertion: the machine is shared) and checks that
 * every row is there and chained. Uses only record and verify, so the same test measures the old and new designs.
 */
@ExtendWith(PostgresExtension.class)
class AuditInsertTimingIT {

    @Test
    void thousandInsertsSequentialAndFromEightThreadsAllChainedNoneLost() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_timing");
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setMaximumPoolSize(8);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcAuditLog log = new JdbcAuditLog(pool, Optional.of(PostgresExtension.AUDIT_KEY));
            log.prepare();
            for (int i = 0; i < 200; i++) {
                log.record(event("warm-up " + i)); // the JIT and the pool, before measuring
            }
            long cpu = cpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                log.record(event("sequential " + i));
            }
            print("1,000 sequential audit inserts", start, cpu);

            ExecutorService threads = Executors.newFixedThreadPool(8);
            cpu = cpuNanos();
            start = System.nanoTime();
            List<Future<?>> inserts = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                String detail = "concurrent " + i;
                inserts.add(threads.submit(() -> log.record(event(detail))));
            }
            for (Future<?> insert : inserts) {
                insert.get();
            }
            threads.shutdown();
            print("1,000 audit inserts from 8 threads", start, cpu);

            cpu = cpuNanos();
            start = System.nanoTime();
            Verification verified = log.verify();
            print("verify of 2,200 rows (chaining what is left first, where rows are chained later)", start, cpu);
            assertThat(verified.intact()).as(verified.problem()).isTrue();
            assertThat(verified.rowsChecked()).as("every row chained, none lost").isEqualTo(2_200);
        }
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT count(DISTINCT detail) FROM audit_event")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(2_200);
        }
    }

    private static AuditEvent event(String detail) {
        return AuditEvent.success(AuditEvent.Type.TOKEN_REVOKED, "echo", null, null, "127.0.0.1", detail);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void print(String what, long start, long cpu) {
        System.out.printf("TIMING %s: %d ms wall, %d ms CPU of the test JVM (PostgreSQL's not included)%n", what,
                (System.nanoTime() - start) / 1_000_000, (cpuNanos() - cpu) / 1_000_000);
    }
}
