package dev.echoid.identity.housekeeping;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.store.AdvisoryLock;
import dev.echoid.identity.store.BackgroundThread;
import dev.echoid.identity.store.JdbcAccessTokens;
import dev.echoid.identity.store.JdbcAuthorizationCodes;
import dev.echoid.identity.store.JdbcBackchannelOutbox;
import dev.echoid.identity.store.JdbcGrants;
import dev.echoid.identity.store.JdbcLoginThrottles;
import dev.echoid.identity.store.JdbcPendingConsents;
import dev.echoid.identity.store.JdbcPendingRequests;
import dev.echoid.identity.store.JdbcRefreshTokens;
import dev.echoid.identity.store.JdbcSsoSessions;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Purges the rows that no longer count, so that no table grows with traffic without bound: one node at a time (an
 * advisory lock; another node's run meanwhile skips), table by table in batches of at most
 * {@link IdentitySettings.Housekeeping#batchSize()} rows per statement, each its own short transaction.
 *
 * <p>What goes, in this order ({@code now} fixed at the start of a run, {@code cutoff} = now − retention):
 * <ol>
 * <li>{@code pending_authorization}, {@code pending_consent}: expired before now (a sign-in or consent page never
 * reads an expired one);</li>
 * <li>{@code login_throttle}: last failure older than the failure reset window, not locked, no live reservation
 * (such a row counts as no row);</li>
 * <li>{@code access_token}: expired before cutoff (the token's own exp refuses it first; no record is inactive);</li>
 * <li>{@code refresh_token}: expired before cutoff, used or not (a used one is kept until then: its reuse revokes
 * the grant);</li>
 * <li>{@code authorization_grant}: made before cutoff with no token left;</li>
 * <li>{@code sso_session}: not live since before cutoff, with no grant and no unexpired code referring to it;</li>
 * <li>{@code authorization_code}: expired before cutoff, its grant gone (a replay revokes the grant while it
 * exists) and its session ended or gone (a live session's codes name the clients its logout tells);</li>
 * <li>{@code backchannel_logout_outbox}: delivered before cutoff, or dead-lettered longer ago than
 * {@link dev.echoid.identity.config.BackchannelSettings#deadRetention()} (pending ones end delivered or dead
 * within their maximum age, so the table stays bounded).</li>
 * </ol>
 * The audit trail ({@code audit_event}) is never purged: it is a hash chain, and a deleted row breaks it.
 */
public final class Housekeeping implements Metrics.HousekeepingFigures, AutoCloseable {

    /** The tables purged, in the order of a run. */
    public static final List<String> TABLES = List.of("pending_authorization", "pending_consent", "login_throttle",
            "access_token", "refresh_token", "authorization_grant", "sso_session", "authorization_code",
            "backchannel_logout_outbox");

    private static final Logger LOG = System.getLogger(Housekeeping.class.getName());

    /** One batch of one table: at most {@code limit} rows deleted, how many were. */
    @FunctionalInterface
    public interface Batch {
        int delete(Instant now, int limit);
    }

    /** One table's purge. */
    public record Purge(String table, Batch batch) {
    }

    /** A run: whether it held the lock (false: another node was purging), and the rows removed per table. */
    public record Run(boolean purged, Map<String, Long> removed) {

        public long total() {
            return removed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final AdvisoryLock lock;
    private final List<Purge> purges;
    private final IdentitySettings.Housekeeping settings;
    private final Clock clock;
    private final Map<String, AtomicLong> removed = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean failing;
    private ScheduledExecutorService executor;

    public Housekeeping(AdvisoryLock lock, List<Purge> purges, IdentitySettings.Housekeeping settings, Clock clock) {
        this.lock = lock;
        this.purges = List.copyOf(purges);
        this.settings = settings;
        this.clock = clock;
        for (Purge purge : this.purges) {
            removed.computeIfAbsent(purge.table(), table -> new AtomicLong());
        }
    }

    /** The provider's purges of {@link #TABLES}, on its database, under its settings. */
    public static Housekeeping of(DataSource dataSource, IdentitySettings settings, Clock clock) {
        Duration retention = settings.housekeeping().retention();
        Duration failureReset = settings.loginPolicy().failureReset();
        Duration idleTtl = settings.sessionIdleTtl();
        JdbcPendingRequests pendingRequests = new JdbcPendingRequests(dataSource);
        JdbcPendingConsents pendingConsents = new JdbcPendingConsents(dataSource);
        JdbcLoginThrottles throttles = new JdbcLoginThrottles(dataSource);
        JdbcAccessTokens accessTokens = new JdbcAccessTokens(dataSource);
        JdbcRefreshTokens refreshTokens = new JdbcRefreshTokens(dataSource);
        JdbcGrants grants = new JdbcGrants(dataSource);
        JdbcSsoSessions sessions = new JdbcSsoSessions(dataSource);
        JdbcAuthorizationCodes codes = new JdbcAuthorizationCodes(dataSource);
        JdbcBackchannelOutbox outbox = new JdbcBackchannelOutbox(dataSource);
        Duration deadRetention = settings.backchannel().deadRetention();
        List<Purge> purges = List.of(
                new Purge("pending_authorization", pendingRequests::deleteExpired),
                new Purge("pending_consent", pendingConsents::deleteExpired),
                new Purge("login_throttle", (now, limit) -> throttles.deleteSpent(now, now.minus(failureReset),
                        now.minus(BruteForceProtection.STALE_RESERVATION), limit)),
                new Purge("access_token", (now, limit) -> accessTokens.deleteExpired(now.minus(retention), limit)),
                new Purge("refresh_token", (now, limit) -> refreshTokens.deleteExpired(now.minus(retention), limit)),
                new Purge("authorization_grant", (now, limit) -> grants.deleteEnded(now.minus(retention), limit)),
                new Purge("sso_session", (now, limit) -> sessions.deleteEnded(now.minus(retention), idleTtl, limit)),
                new Purge("authorization_code", (now, limit) -> codes.deleteExpired(now.minus(retention), limit)),
                new Purge("backchannel_logout_outbox", (now, limit) -> outbox.deleteFinished(now.minus(retention),
                        now.minus(deadRetention), limit)));
        return new Housekeeping(new AdvisoryLock(dataSource, AdvisoryLock.HOUSEKEEPING), purges,
                settings.housekeeping(), clock);
    }

    /** Runs every {@link IdentitySettings.Housekeeping#interval()}, the first one interval after now. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = BackgroundThread.start("echoid-housekeeping");
        long period = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::runQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * One run on the calling thread: every table, batch after batch until a batch comes back short. Rows that
     * expire while it runs wait for the next run ({@code now} is fixed), so a run always ends.
     *
     * @return what was removed; {@code purged} false when another node's run held the lock (nothing done)
     */
    public Run runOnce() {
        Optional<AdvisoryLock.Held> held = lock.tryAcquire();
        if (held.isEmpty()) {
            skipped.incrementAndGet();
            return new Run(false, Map.of());
        }
        try (AdvisoryLock.Held ignored = held.get()) {
            Instant now = clock.instant();
            int limit = settings.batchSize();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Purge purge : purges) {
                long total = 0;
                int deleted;
                do {
                    deleted = purge.batch().delete(now, limit);
                    total += deleted;
                    removed.get(purge.table()).addAndGet(deleted); // counted batch by batch: a failure keeps them
                } while (deleted >= limit);
                counts.merge(purge.table(), total, Long::sum);
            }
            runs.incrementAndGet();
            return new Run(true, counts);
        }
    }

    /** Rows removed from {@code table} by this node since start. */
    @Override
    public long removedRows(String table) {
        AtomicLong count = removed.get(table);
        return count == null ? 0 : count.get();
    }

    /** The tables this housekeeping purges, in order. */
    @Override
    public List<String> tables() {
        List<String> tables = new ArrayList<>();
        for (Purge purge : purges) {
            if (!tables.contains(purge.table())) {
                tables.add(purge.table());
            }
        }
        return tables;
    }

    /** Runs this node completed, skipped (another node held the lock) and that failed, since start. */
    @Override
    public long completedRuns() {
        return runs.get();
    }

    @Override
    public long skippedRuns() {
        return skipped.get();
    }

    @Override
    public long failedRuns() {
        return failed.get();
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
            Run run = runOnce();
            if (run.purged() && run.total() > 0) {
                LOG.log(Level.INFO, "Housekeeping removed {0} row(s): {1}", run.total(), run.removed());
            }
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "Housekeeping works again");
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            // what was not purged now is purged by the next run
            if (!failing) {
                failing = true; // said once, not every run while the database is away
                LOG.log(Level.WARNING, "Housekeeping failed, retried every run until it works: " + e.getMessage());
            }
        }
    }
}
