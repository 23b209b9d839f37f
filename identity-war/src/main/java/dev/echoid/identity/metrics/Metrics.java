package dev.echoid.identity.metrics;

import dev.echoid.identity.config.GrantTypes;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.store.AuditChainer;
import dev.echoid.identity.token.AdminToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The provider's meters in one registry of this web application (never Micrometer's global one: two deployments in
 * one JVM must not share counters), written out in the Prometheus text format by {@code /metrics}. Names are given
 * in Micrometer's dotted form; the Prometheus registry turns {@code echoid.logins} into {@code echoid_logins_total}.
 */
public final class Metrics implements AutoCloseable {

    /** The Prometheus text exposition format this registry writes, as {@code /metrics} answers it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** A bearer token that lets a scraper off this host read {@code /metrics}; without it, only loopback may. */
    public static final String TOKEN_SETTING = "IDENTITY_METRICS_TOKEN";
    static final int MIN_TOKEN_LENGTH = 32;

    public enum LoginOutcome { SUCCESS, FAILURE, LOCKED }

    // token endpoint latency buckets: Argon2id client authentication alone takes tens of milliseconds
    private static final Duration[] TOKEN_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};
    private static final Duration SESSION_COUNT_CACHE = Duration.ofSeconds(5);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter lockouts;
    // meters looked up once, not built and registered again per request (an id, its tags sorted, a map lookup)
    private final java.util.Map<String, Counter> tokensIssued = new java.util.HashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> tokenRequestTimers =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AdminToken scrapeToken;

    /** Reads {@value #TOKEN_SETTING}; a token shorter than 32 characters is refused by name. */
    public static Metrics from(SettingsSource source) {
        Optional<String> token = source.get(TOKEN_SETTING).filter(value -> !value.isBlank());
        token.ifPresent(value -> {
            if (value.length() < MIN_TOKEN_LENGTH) {
                throw new InvalidSettingException(TOKEN_SETTING, "must be at least " + MIN_TOKEN_LENGTH
                        + " characters (a random value, e.g. openssl rand -base64 32)");
            }
        });
        return new Metrics(token);
    }

    public Metrics(Optional<String> scrapeToken) {
        // the same constant-time digest comparison as the admin token
        this.scrapeToken = new AdminToken(scrapeToken);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (LoginOutcome outcome : LoginOutcome.values()) {
            loginCounter(outcome); // every outcome shows from the start, at 0
        }
        for (String grantType : GrantTypes.ALL) {
            tokensIssued.put(grantType, tokensIssuedCounter(grantType));
        }
        lockouts = Counter.builder("echoid.lockouts")
                .description("User names, addresses or second factors locked after too many failures")
                .register(registry);
    }

    /** Whether a scrape token is configured. */
    public boolean tokenConfigured() {
        return scrapeToken.configured();
    }

    /** Whether an {@code Authorization} header carries the scrape token. */
    public boolean acceptsToken(String authorization) {
        return scrapeToken.acceptsHeader(authorization);
    }

    /** The registry, for instrumented libraries (the HikariCP pool). */
    public MeterRegistry registry() {
        return registry;
    }

    public void login(LoginOutcome outcome) {
        loginCounter(outcome).increment();
    }

    public void tokensIssued(String grantType) {
        Counter counter = tokensIssued.get(grantType);
        (counter != null ? counter : tokensIssuedCounter(grantType)).increment();
    }

    public void lockout() {
        lockouts.increment();
    }

    /** Starts timing one token request; {@link TokenRequestTimer#stop} records it. */
    public TokenRequestTimer tokenRequest() {
        return new TokenRequestTimer(Timer.start(registry));
    }

    /** The number of live single sign-on sessions, asked of {@code count} at most every few seconds. */
    public void activeSessions(LongSupplier count, Clock clock) {
        CachedCount cached = new CachedCount(count, clock, SESSION_COUNT_CACHE);
        Gauge.builder("echoid.active.sessions", cached, CachedCount::value)
                .description("Live single sign-on sessions (all nodes: counted in the database)")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The audit chain's backlog: rows inserted and not yet chained (all nodes; asked of the database at most every
     * few seconds), and the rows this node's chainer chained.
     */
    public void auditChaining(AuditChainer chainer, Clock clock) {
        CachedCount cached = new CachedCount(chainer::unchainedRows, clock, SESSION_COUNT_CACHE);
        Gauge.builder("echoid.audit.unchained.rows", cached, CachedCount::value)
                .description("Audit rows inserted and not chained yet (all nodes: counted in the database)")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("echoid.audit.chained.rows", chainer, AuditChainer::chainedRows)
                .description("Audit rows this node's chainer linked into the hash chain since start")
                .register(registry);
    }

    /** What the housekeeping counts on this node (it sits above this package, so it hands these over). */
    public interface HousekeepingFigures {

        List<String> tables();

        long removedRows(String table);

        long completedRuns();

        long skippedRuns();

        long failedRuns();
    }

    /**
     * The housekeeping: rows this node removed per table, and its runs by outcome ({@code purged}, {@code skipped}
     * while another node held the lock, {@code failed}).
     */
    public void housekeeping(HousekeepingFigures housekeeping) {
        for (String table : housekeeping.tables()) {
            FunctionCounter.builder("echoid.housekeeping.rows.removed", housekeeping, h -> h.removedRows(table))
                    .description("Rows the housekeeping on this node purged, per table")
                    .tag("table", table)
                    .register(registry);
        }
        FunctionCounter.builder("echoid.housekeeping.runs", housekeeping, HousekeepingFigures::completedRuns)
                .description("Housekeeping runs on this node, by outcome").tag("outcome", "purged")
                .register(registry);
        FunctionCounter.builder("echoid.housekeeping.runs", housekeeping, HousekeepingFigures::skippedRuns)
                .description("Housekeeping runs on this node, by outcome").tag("outcome", "skipped")
                .register(registry);
        FunctionCounter.builder("echoid.housekeeping.runs", housekeeping, HousekeepingFigures::failedRuns)
                .description("Housekeeping runs on this node, by outcome").tag("outcome", "failed")
                .register(registry);
    }

    /** What the back-channel logout delivery counts on this node, and the outbox of all nodes. */
    public interface BackchannelFigures {

        long deliveredCount();

        long retriedCount();

        long deadLetteredCount();

        int busyWorkers();

        int workerLimit();

        /** The outbox's entries per state, all nodes (a database query). */
        java.util.Map<dev.echoid.identity.store.BackchannelOutbox.State, Long> outboxRows();
    }

    /**
     * Back-channel logout: this node's attempts by outcome ({@code delivered}, {@code retried} after a failure,
     * {@code dead} when given up), its busy workers, and the outbox's entries per state in the database (pending and
     * dead: the dead letters an operator should look at), asked at most every few seconds.
     */
    public void backchannelLogout(BackchannelFigures figures, Clock clock) {
        FunctionCounter.builder("echoid.backchannel.logout.deliveries", figures, BackchannelFigures::deliveredCount)
                .description("Back-channel logout attempts on this node, by outcome").tag("outcome", "delivered")
                .register(registry);
        FunctionCounter.builder("echoid.backchannel.logout.deliveries", figures, BackchannelFigures::retriedCount)
                .description("Back-channel logout attempts on this node, by outcome").tag("outcome", "retried")
                .register(registry);
        FunctionCounter.builder("echoid.backchannel.logout.deliveries", figures,
                BackchannelFigures::deadLetteredCount)
                .description("Back-channel logout attempts on this node, by outcome").tag("outcome", "dead")
                .register(registry);
        Gauge.builder("echoid.backchannel.logout.workers.busy", figures, BackchannelFigures::busyWorkers)
                .description("Back-channel logout deliveries under way on this node")
                .strongReference(true).register(registry);
        Gauge.builder("echoid.backchannel.logout.workers.limit", figures, BackchannelFigures::workerLimit)
                .description("Back-channel logout deliveries allowed at once on this node")
                .strongReference(true).register(registry);
        // one query for the three states, at most every few seconds
        java.util.function.Supplier<java.util.Map<dev.echoid.identity.store.BackchannelOutbox.State, Long>> rows =
                new CachedValue<>(figures::outboxRows, clock, SESSION_COUNT_CACHE);
        for (dev.echoid.identity.store.BackchannelOutbox.State state
                : dev.echoid.identity.store.BackchannelOutbox.State.values()) {
            CachedCount cached = new CachedCount(() -> {
                java.util.Map<dev.echoid.identity.store.BackchannelOutbox.State, Long> counts = rows.get();
                if (counts == null) {
                    throw new IllegalStateException("the database is away");
                }
                return counts.getOrDefault(state, 0L);
            }, clock, Duration.ZERO);
            Gauge.builder("echoid.backchannel.logout.outbox.rows", cached, CachedCount::value)
                    .description("Back-channel logout outbox entries by state (all nodes: counted in the database)")
                    .tag("state", state.value())
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** The password-hashing budget: hashes running, waiting, the most at once, computed and refused. */
    public void passwordHashing(HashingBudget budget) {
        Gauge.builder("echoid.password.hashes.running", budget, HashingBudget::running)
                .description("Argon2id computations running now (each holds its memory, 19 MiB by default)")
                .strongReference(true).register(registry);
        Gauge.builder("echoid.password.hashes.queued", budget, HashingBudget::queued)
                .description("Argon2id computations waiting for a slot in the hashing budget")
                .strongReference(true).register(registry);
        Gauge.builder("echoid.password.hashes.peak", budget, HashingBudget::peak)
                .description("The most Argon2id computations that ran at once since start")
                .strongReference(true).register(registry);
        Gauge.builder("echoid.password.hashes.limit", budget, HashingBudget::concurrency)
                .description("The hashing budget: Argon2id computations allowed at once")
                .strongReference(true).register(registry);
        FunctionCounter.builder("echoid.password.hashes", budget, HashingBudget::computed)
                .description("Argon2id computations since start")
                .register(registry);
        FunctionCounter.builder("echoid.password.hash.refusals", budget, HashingBudget::refused)
                .description("Password checks refused with 503 because the hashing budget and its queue were full")
                .register(registry);
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    @Override
    public void close() {
        gc.close(); // unregisters its GC notification listeners, which would otherwise keep this class loader
        registry.close();
    }

    private Counter loginCounter(LoginOutcome outcome) {
        return Counter.builder("echoid.logins")
                .description("Password sign-in attempts by outcome")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private Counter tokensIssuedCounter(String grantType) {
        return Counter.builder("echoid.tokens.issued")
                .description("Token responses by grant type")
                .tag("grant_type", GrantTypes.ALL.contains(grantType) ? grantType : "other")
                .register(registry);
    }

    /** One token request being timed. */
    public final class TokenRequestTimer {

        private final Timer.Sample sample;

        private TokenRequestTimer(Timer.Sample sample) {
            this.sample = sample;
        }

        /** @param outcome {@code success} or {@code error} (a small fixed set: a label per value is a series) */
        public void stop(String outcome) {
            sample.stop(tokenRequestTimers.computeIfAbsent(outcome, value -> Timer.builder(
                    "echoid.token.request.duration")
                    .description("Time to answer a token endpoint request")
                    .tag("outcome", value)
                    .serviceLevelObjectives(TOKEN_BUCKETS)
                    .register(registry)));
        }
    }

    /** A value asked of {@code read} at most once per {@code ttl}; null while the last reading failed. */
    private static final class CachedValue<T> implements java.util.function.Supplier<T> {

        private final java.util.function.Supplier<T> read;
        private final Clock clock;
        private final Duration ttl;
        private Instant readAt = Instant.MIN;
        private T value;

        CachedValue(java.util.function.Supplier<T> read, Clock clock, Duration ttl) {
            this.read = read;
            this.clock = clock;
            this.ttl = ttl;
        }

        @Override
        public synchronized T get() {
            Instant now = clock.instant();
            if (readAt.plus(ttl).isBefore(now)) {
                try {
                    value = read.get();
                } catch (RuntimeException e) {
                    value = null;
                }
                readAt = now;
            }
            return value;
        }
    }

    private static final class CachedCount {

        private final LongSupplier count;
        private final Clock clock;
        private final Duration ttl;
        private Instant readAt = Instant.MIN;
        private double value = Double.NaN;

        CachedCount(LongSupplier count, Clock clock, Duration ttl) {
            this.count = count;
            this.clock = clock;
            this.ttl = ttl;
        }

        synchronized double value() {
            Instant now = clock.instant();
            if (readAt.plus(ttl).isBefore(now)) {
                try {
                    value = count.getAsLong();
                } catch (RuntimeException e) {
                    value = Double.NaN; // the database is down: readiness says so, the gauge shows no number
                }
                readAt = now;
            }
            return value;
        }
    }
}
