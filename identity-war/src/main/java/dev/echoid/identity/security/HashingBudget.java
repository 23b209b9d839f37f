package dev.echoid.identity.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * At most {@code concurrency} password hashes at once, each of which holds its memory (19 MiB for Argon2id at
 * OWASP's parameters) while it runs; up to {@code queueLength} more wait their turn in arrival order for at most
 * {@code queueTimeout}; anything beyond is refused at once with {@link Exhausted}. So hashing takes at most
 * {@code concurrency x memory}, and a flood of bad credentials gets 503s instead of the heap and the CPU.
 * <p>
 * A caller that names the request's source ({@link #run(String, Supplier)}: a client address, or a browser known by
 * its device cookie) may hold at most {@link #perSource()} of those places (running and waiting) for that source at
 * once: all but as many as run at once, and at least half. A flood from one source, retrying the moment it is
 * refused, cannot take every place, so someone else's request finds one at its first try instead of winning a
 * lottery against the flood's retries; and one busy source (a NAT, a load test) keeps most of the budget.
 */
public final class HashingBudget {

    private final int concurrency;
    private final int queueLength;
    private final Duration queueTimeout;
    private final Semaphore permits;
    private final int perSource;
    // the places each named source holds now; an entry lives only while its source holds one
    private final ConcurrentHashMap<String, Integer> bySource = new ConcurrentHashMap<>();
    // running + waiting; bounds the queue, since a Semaphore's own queue has no limit
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong computed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public HashingBudget(int concurrency, int queueLength, Duration queueTimeout) {
        if (concurrency < 1 || queueLength < 0 || queueTimeout.isNegative()) {
            throw new IllegalArgumentException("concurrency >= 1, queue >= 0, timeout >= 0");
        }
        this.concurrency = concurrency;
        this.queueLength = queueLength;
        this.queueTimeout = queueTimeout;
        this.permits = new Semaphore(concurrency, true); // fair: the longest waiter goes next
        int places = concurrency + queueLength;
        this.perSource = Math.max(1, Math.max((places + 1) / 2, places - concurrency));
    }

    /** No limit: for tools that hash one password in their own process (the admin CLI) and for tests. */
    public static HashingBudget unbounded() {
        return new HashingBudget(Integer.MAX_VALUE / 2, 0, Duration.ZERO);
    }

    /** Runs one hash within the budget, or throws {@link Exhausted} when neither a slot nor a place in line is free. */
    public <T> T run(Supplier<T> hash) {
        return runWithinBudget(hash);
    }

    /**
     * As {@link #run(Supplier)}, and refused at once ({@link Exhausted}) while {@code source} already holds its
     * share, {@link #perSource()} of the places.
     */
    public <T> T run(String source, Supplier<T> hash) {
        if (source == null) {
            return runWithinBudget(hash);
        }
        boolean[] within = new boolean[1];
        bySource.compute(source, (key, held) -> {
            int now = held == null ? 0 : held;
            within[0] = now < perSource;
            return within[0] ? Integer.valueOf(now + 1) : held;
        });
        if (!within[0]) {
            throw refuse();
        }
        try {
            return runWithinBudget(hash);
        } finally {
            bySource.compute(source, (key, held) -> held == null || held <= 1 ? null : Integer.valueOf(held - 1));
        }
    }

    private <T> T runWithinBudget(Supplier<T> hash) {
        if (admitted.incrementAndGet() > concurrency + queueLength) {
            admitted.decrementAndGet();
            throw refuse();
        }
        boolean acquired = false;
        try {
            // with a fair semaphore, tryAcquire with a timeout (even zero) honours the queue; tryAcquire() would not
            acquired = permits.tryAcquire(queueTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!acquired) {
                admitted.decrementAndGet();
            }
        }
        if (!acquired) {
            throw refuse();
        }
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            computed.incrementAndGet();
            return hash.get();
        } finally {
            running.decrementAndGet();
            admitted.decrementAndGet();
            permits.release();
        }
    }

    private Exhausted refuse() {
        refused.incrementAndGet();
        return new Exhausted(retryAfterSeconds());
    }

    /** What a refused client is told to wait: the queue's timeout, at least a second. */
    public long retryAfterSeconds() {
        return Math.max(1, (queueTimeout.toMillis() + 999) / 1000);
    }

    public int concurrency() {
        return concurrency;
    }

    /**
     * The places (running and waiting) one named source may hold at once: all but {@code concurrency} of them (so
     * that others always find as many as can run at once), and at least half (at least one).
     */
    public int perSource() {
        return perSource;
    }

    /** The named sources that hold a place now (bounded by the callers in flight). */
    int sourcesHolding() {
        return bySource.size();
    }

    /** Sha256 running now. */
    public int running() {
        return running.get();
    }

    /** Sha256 waiting for a slot now. */
    public int queued() {
        return Math.max(0, admitted.get() - running.get());
    }

    /** The most hashes that ran at once since start. */
    public int peak() {
        return peak.get();
    }

    /** Sha256 computed since start. */
    public long computed() {
        return computed.get();
    }

    /** Sha256 refused since start. */
    public long refused() {
        return refused.get();
    }

    /** The budget is spent: answer 503 with {@code Retry-After}, never a 500 and never an unbounded wait. */
    public static final class Exhausted extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final long retryAfterSeconds;

        Exhausted(long retryAfterSeconds) {
            super("Too many password checks at once", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
