package dev.echoid.identity.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Links committed, unchained audit rows into the hash chain, one chainer at a time across nodes.
 *
 * <p>Order: a row records the transaction that inserted it ({@code xact_id}, {@code pg_current_xact_id()}). One
 * statement reads the unchained rows whose transaction is older than every transaction still running
 * ({@code pg_snapshot_xmin(pg_current_snapshot())}, of that statement's own snapshot): each of those transactions has
 * committed (its rows are visible) or rolled back (they never will be), so no row can still appear below that
 * horizon. Rows are linked in {@code (xact_id, id)} order; a later run only sees rows of transactions at or above the
 * earlier horizon, so the chain order never goes back, and a row that commits late (a long grant) waits rather than
 * being skipped. Ids of rolled-back inserts leave gaps that nothing looks for.
 *
 * <p>Each run is one transaction: {@code pg_try_advisory_xact_lock} (another node's chainer busy: nothing to do),
 * the head {@code FOR UPDATE}, at most {@link #BATCH} rows, their {@link AuditChain} hashes and the head moved. A
 * chainer that dies mid-way rolls all of it back and the next run starts again from the head.
 */
public final class AuditChainer implements AutoCloseable {

    /** At most this many rows per transaction: a backlog is worked off in bounded steps. */
    public static final int BATCH = 1_000;
    /** A triggered run waits this long, so that the commits of a busy moment share it (a run is ~6 round trips). */
    static final Duration TRIGGER_DELAY = Duration.ofMillis(50);

    private static final Logger LOG = System.getLogger(AuditChainer.class.getName());
    // "echoidAC": the advisory lock only chainers take
    private static final long LOCK_KEY = 0x6563686f69644143L;
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")";
    private static final String UNCHAINED = "SELECT " + JdbcAuditLog.COLUMNS + ", insert_mac FROM audit_event "
            + "WHERE row_hash IS NULL AND xact_id < pg_snapshot_xmin(pg_current_snapshot()) "
            + "ORDER BY xact_id, id LIMIT " + BATCH;
    // the one update of a new row the append-only trigger allows: its hashes from NULL to values; one statement
    // for the whole batch
    private static final String LINK = "UPDATE audit_event e SET prev_hash = v.prev_hash, row_hash = v.row_hash, "
            + "chain_version = ? FROM unnest(?::bigint[], ?::text[], ?::text[]) AS v(id, prev_hash, row_hash) "
            + "WHERE e.id = v.id AND e.row_hash IS NULL";
    private static final String COUNT_UNCHAINED = "SELECT count(*) FROM audit_event WHERE row_hash IS NULL";

    private final JdbcAuditLog log;
    private final Jdbc sql;
    private final AuditChain chain;
    private final AtomicBoolean triggered = new AtomicBoolean();
    private final AtomicLong chained = new AtomicLong();
    private volatile long refusedRow = -1;
    private volatile boolean failing;
    private ScheduledExecutorService executor;

    AuditChainer(JdbcAuditLog log, Jdbc sql, AuditChain chain) {
        this.log = log;
        this.sql = sql;
        this.chain = chain;
    }

    /**
     * Chains in the background: after each {@link #trigger} (coalesced: one run for many commits) and every
     * {@code period}, so that the rows of a node that stopped are chained by another.
     */
    public synchronized void start(Duration period) {
        if (executor != null) {
            return;
        }
        executor = BackgroundThread.start("echoid-audit-chainer");
        executor.scheduleWithFixedDelay(this::runQuietly, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Asks for a run soon, {@link #TRIGGER_DELAY} from now (after a commit that inserted audit rows); at most one
     * waits at a time, and every commit until it starts is chained by it.
     */
    public void trigger() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = executor;
        }
        if (running != null && triggered.compareAndSet(false, true)) {
            try {
                running.schedule(() -> {
                    triggered.set(false);
                    runQuietly();
                }, TRIGGER_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                triggered.set(false);
            }
        }
    }

    /**
     * Chains every row that can be chained now, batch after batch, on the calling thread.
     *
     * @return the rows chained; 0 also when another chainer holds the lock
     */
    public long chainPending() {
        long total = 0;
        while (true) {
            int done = chainOnce();
            if (done <= 0) {
                return total;
            }
            total += done;
            if (done < BATCH) {
                return total;
            }
        }
    }

    /** Rows chained by this chainer since it was made. */
    public long chainedRows() {
        return chained.get();
    }

    /** Rows inserted and not chained yet, on all nodes: committed ones waiting, or waiting for older transactions. */
    public long unchainedRows() {
        return sql.queryOne(COUNT_UNCHAINED, s -> { }, row -> row.getLong(1)).orElse(0L);
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            BackgroundThread.stop(executor);
            executor = null;
        }
    }

    private void runQuietly() {
        try {
            chainPending();
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "Audit chaining works again");
            }
        } catch (RuntimeException e) {
            // the rows stay unchained and are chained by the next run; verify reports them if that does not come
            if (!failing) {
                failing = true; // said once, not every second while the database is away
                LOG.log(Level.WARNING, "Audit chaining failed, retried every run until it works: " + e.getMessage());
            }
        }
    }

    /** One run in one transaction: the rows chained, -1 when another chainer holds the lock. */
    int chainOnce() {
        int done = sql.transaction(Connection.TRANSACTION_READ_COMMITTED, this::chainIn);
        if (done > 0) {
            chained.addAndGet(done);
        }
        return done;
    }

    private int chainIn(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(TRY_LOCK); ResultSet row = s.executeQuery()) {
            if (!row.next() || !row.getBoolean(1)) {
                return -1; // one chainer at a time, on any node: the one that holds it chains these rows too
            }
        }
        JdbcAuditLog.Head head = log.headForChaining(connection, chain);
        List<Unchained> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(UNCHAINED); ResultSet result = s.executeQuery()) {
            while (result.next()) {
                long id = result.getLong("id");
                AuditRecord record;
                try {
                    record = JdbcAuditLog.map(result);
                } catch (IllegalArgumentException unknownTypeOrOutcome) {
                    refuse(id, "unknown event type or outcome");
                    break;
                }
                if (!chain.insertMacMatches(record.event(), result.getString("insert_mac"))) {
                    refuse(id, "its insert MAC does not match: it was inserted or altered by someone without "
                            + "IDENTITY_AUDIT_KEY");
                    break; // a row the key did not write is never sealed; the rows after it wait, and verify says so
                }
                rows.add(new Unchained(id, record.event()));
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        String prevHash = head.lastHash();
        Long[] ids = new Long[rows.size()];
        String[] prevHashes = new String[rows.size()];
        String[] rowHashes = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Unchained row = rows.get(i);
            ids[i] = row.id();
            prevHashes[i] = prevHash;
            prevHash = chain.rowHash(prevHash, row.id(), row.event());
            rowHashes[i] = prevHash;
        }
        try (PreparedStatement s = connection.prepareStatement(LINK)) {
            s.setInt(1, chain.version());
            s.setArray(2, connection.createArrayOf("bigint", ids));
            s.setArray(3, connection.createArrayOf("text", prevHashes));
            s.setArray(4, connection.createArrayOf("text", rowHashes));
            if (s.executeUpdate() != rows.size()) {
                // rolls the whole run back: the head is not moved past rows that are not linked
                throw new SQLException("an audit row was chained by someone else while the chainer held the lock");
            }
        }
        log.moveHead(connection, chain, rows.get(rows.size() - 1).id(), prevHash);
        return rows.size();
    }

    private void refuse(long id, String why) {
        if (refusedRow != id) {
            refusedRow = id; // said once per row, not every second
            LOG.log(Level.ERROR, "Audit row " + id + " is not chained: " + why + "; verify reports it");
        }
    }

    private record Unchained(long id, AuditEvent event) {
    }
}
