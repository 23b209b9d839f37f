package dev.echoid.benchmarks.load;

import dev.echoid.identity.housekeeping.Housekeeping;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample of the soak, every interval: the server JVM's RSS ({@code /proc}), its heap after a full collection
 * forced now, its collections since the last sample, the server's CPU (JVM and PostgreSQL), the gateway's HTTP
 * sessions, and the row count of each of the provider's tables that traffic writes to.
 *
 * <p>The heap figure is after a forced full collection: {@code MemoryMXBean.gc()} over JMX, i.e. {@code System.gc()}
 * in the server, which with the launcher's {@code -XX:+UseSerialGC} is one stop-the-world collection of both
 * generations; the heap's {@code used} read right after it returns. It costs one full pause per sample (in the p99 of
 * the operations under way then). The server's own collections are counted apart, without the forced one.
 */
final class SoakSampler implements AutoCloseable {

    /** Purged by the provider's housekeeping (its own list): these must level off. */
    static final List<String> PURGED = Housekeeping.TABLES;
    /** Kept by design: the audit trail is never purged (a hash chain); users and clients do not grow with traffic. */
    static final List<String> KEPT = List.of("audit_event", "app_user", "client", "user_consent");

    record Sample(double elapsedSeconds, double loadAverage, long rssBytes, long heapAfterGcBytes,
            long heapCommittedBytes, long youngCollections, long fullCollections, long collectionMillis,
            double jvmCpuSeconds, double postgresCpuSeconds, int gatewaySessions, Map<String, Long> rows,
            Map<String, IntervalLatencies.Figures> operations) {
    }

    private final ServerProcess server;
    private final ServerJmx jmx;
    private final MemoryMXBean memory;
    private final List<GarbageCollectorMXBean> collectors;
    private final Connection database;
    private final long start = System.nanoTime();
    private ServerProcess.CpuTicks lastCpu;
    private long lastCollections;
    private long lastFullCollections;
    private long lastCollectionMillis;
    private int forced;

    SoakSampler(ServerProcess server) throws IOException, SQLException {
        this.server = server;
        this.jmx = ServerJmx.attach(server.pid());
        this.memory = ManagementFactory.newPlatformMXBeanProxy(jmx.connection(),
                ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        this.collectors = ManagementFactory.getPlatformMXBeans(jmx.connection(), GarbageCollectorMXBean.class);
        // the embedded cluster's superuser, as DevServer sets it up (dev mode only: never a production setting)
        this.database = DriverManager.getConnection("jdbc:postgresql://localhost:" + server.postgresPort()
                + "/postgres", "postgres", "postgres");
        this.database.setAutoCommit(true);
        this.lastCpu = server.cpu();
        readCollections();
    }

    Sample sample(Map<String, IntervalLatencies.Figures> operations) throws SQLException {
        double elapsed = (System.nanoTime() - start) / 1e9;
        ServerProcess.CpuTicks cpu = server.cpu();
        ServerProcess.CpuTicks spent = cpu.minus(lastCpu);
        lastCpu = cpu;
        long[] collections = readCollections();
        long rss = server.rssBytes();
        memory.gc();
        forced++;
        MemoryUsage heap = memory.getHeapMemoryUsage();
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Statement statement = database.createStatement()) {
            for (String table : tables()) {
                try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    count.next();
                    rows.put(table, count.getLong(1));
                }
            }
        }
        return new Sample(elapsed, loadAverage(), rss, heap.getUsed(), heap.getCommitted(), collections[0],
                collections[1], collections[2], spent.jvm() / (double) ProcFs.TICKS_PER_SECOND,
                spent.postgres() / (double) ProcFs.TICKS_PER_SECOND,
                ActiveSessions.now(jmx.connection()).gateway(), rows, operations);
    }

    static List<String> tables() {
        List<String> tables = new ArrayList<>(PURGED);
        tables.addAll(KEPT);
        return tables;
    }

    /**
     * Young and full collections, and their milliseconds, since the last call: the server's own, the forced ones
     * of earlier samples taken out (each is one full collection). SerialGC's beans: "Copy" (young),
     * "MarkSweepCompact" (full).
     */
    private long[] readCollections() {
        long young = 0;
        long full = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            boolean isFull = collector.getName().contains("MarkSweep") || collector.getName().contains("Old");
            if (isFull) {
                full += collector.getCollectionCount();
            } else {
                young += collector.getCollectionCount();
            }
            millis += collector.getCollectionTime();
        }
        full -= forced;
        long[] since = {young - lastCollections, full - lastFullCollections, millis - lastCollectionMillis};
        lastCollections = young;
        lastFullCollections = full;
        lastCollectionMillis = millis;
        return since;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        try {
            database.close();
        } catch (SQLException ignored) {
            // the server is stopping
        }
        jmx.close();
    }
}
