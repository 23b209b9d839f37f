package dev.echoid.identity.security;

import java.time.Duration;
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
 */
public final class HashingBudget {

    private final int concurrency;
    private final int queueLength;
    private final Duration queueTimeout;
    private final Semaphore permits;
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
    }

    /** No limit: for tools that hash one password in their own process (the admin CLI) and for tests. */
    public static HashingBudget unbounded() {
        return new HashingBudget(Integer.MAX_VALUE / 2, 0, Duration.ZERO);
    }

    /** Runs one hash within the budget, or throws {@link Exhausted} when neither a slot nor a place in line is free. */
    public <T> T run(Supplier<T> hash) {
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
