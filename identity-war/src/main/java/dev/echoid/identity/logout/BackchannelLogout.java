package dev.echoid.identity.logout;

import dev.echoid.identity.config.BackchannelSettings;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.BackchannelOutbox;
import dev.echoid.identity.store.BackchannelOutbox.Entry;
import dev.echoid.identity.store.BackchannelOutbox.State;
import dev.echoid.identity.token.JwtIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers back-channel logout tokens from the outbox: a bounded pool of workers on each node claims due entries
 * (any node's: {@code FOR UPDATE SKIP LOCKED}), POSTs a logout token to each client's
 * {@code backchannel_logout_uri}, and retries a failure with exponential backoff and jitter until it is delivered or
 * dead-lettered. The logout that queued the entry never waits for it.
 *
 * <p>The token is minted at each attempt (new {@code iat}, {@code exp} two minutes on, new {@code jti}): the RP
 * must reject an expired token and may reject one issued long ago (§2.6), so a token minted at the logout could
 * not be delivered an hour later; and a retry after an attempt whose answer was lost is a token the RP has not
 * seen, not a {@code jti} replay it would refuse with 400. Logging out a session that is already logged out is
 * harmless to the RP, so an entry is delivered at least once.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OpenID Connect Back-Channel Logout 1.0</a>
 */
public final class BackchannelLogout implements Metrics.BackchannelFigures, AutoCloseable {

    private static final Logger LOG = System.getLogger(BackchannelLogout.class.getName());
    private static final int ERROR_LENGTH = 300;
    private static final int BODY_LIMIT = 512;
    private static final Object WAKE = new Object();

    private final BackchannelOutbox outbox;
    private final JwtIssuer tokens;
    private final AuditLog audit;
    private final BackchannelSettings settings;
    private final HttpClient http;
    private final Semaphore idle;
    private final BlockingQueue<Object> wakeUps = new ArrayBlockingQueue<>(1);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean failing;
    private ExecutorService workers;
    private Thread dispatcher;

    public BackchannelLogout(BackchannelOutbox outbox, JwtIssuer tokens, AuditLog audit,
            BackchannelSettings settings) {
        this.outbox = outbox;
        this.tokens = tokens;
        this.audit = audit;
        this.settings = settings;
        this.idle = new Semaphore(settings.workers());
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // §2.5: the RP answers 200; a redirect is not followed
                .build();
    }

    /** Starts the dispatcher and the worker pool of {@link BackchannelSettings#workers()} threads. */
    public synchronized void start() {
        if (dispatcher != null) {
            return;
        }
        AtomicInteger number = new AtomicInteger();
        workers = Executors.newFixedThreadPool(settings.workers(), runnable -> {
            Thread thread = new Thread(runnable, "echoid-backchannel-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        dispatcher = new Thread(this::dispatch, "echoid-backchannel-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** A session ended here: look for due entries now rather than at the next poll. Never blocks. */
    public void wake() {
        wakeUps.offer(WAKE);
    }

    /**
     * Claims due entries while a worker is idle and hands each to one; returns how many it handed over. The
     * dispatcher calls it after each wake-up or poll interval.
     */
    int dispatchDue() {
        int handed = 0;
        while (idle.tryAcquire()) {
            List<Entry> claimed;
            try {
                claimed = outbox.claimDue(1 + idle.availablePermits(), settings.lease());
            } catch (RuntimeException e) {
                idle.release();
                throw e;
            }
            if (claimed.isEmpty()) {
                idle.release();
                return handed;
            }
            // one permit is held; take one more for each further entry (claimed only as many as were idle)
            idle.acquireUninterruptibly(claimed.size() - 1);
            for (Entry entry : claimed) {
                handed++;
                workers.execute(() -> {
                    running.incrementAndGet();
                    try {
                        attempt(entry);
                    } catch (RuntimeException e) {
                        // the database went away mid-attempt: the claim's lease makes the entry due again
                        LOG.log(Level.WARNING, "Back-channel logout to " + entry.backchannelLogoutUri()
                                + ": the attempt's outcome was not recorded, tried again after its lease: "
                                + e.getMessage());
                    } finally {
                        running.decrementAndGet();
                        idle.release();
                        wake(); // a worker is free: more may be due
                    }
                });
            }
        }
        return handed;
    }

    private void dispatch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                dispatchDue();
                if (failing) {
                    failing = false;
                    LOG.log(Level.INFO, "Back-channel logout: the outbox is reachable again");
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true; // said once, not every poll while the database is away
                    LOG.log(Level.WARNING, "Back-channel logout: cannot read the outbox, tried again every "
                            + settings.pollInterval().toMillis() + " ms: " + e.getMessage());
                }
            }
            try {
                wakeUps.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One attempt at one claimed entry. */
    void attempt(Entry entry) {
        String logoutToken = tokens.logoutToken(entry.userId(), entry.clientId(), entry.ssoSessionId());
        HttpRequest request = HttpRequest.newBuilder(entry.backchannelLogoutUri())
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cache-Control", "no-store")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build();
        int status;
        String error;
        try {
            status = send(request);
            error = "HTTP " + status;
        } catch (RefusedWithBody refused) {
            status = 400;
            error = "HTTP 400" + (refused.body.isBlank() ? "" : ": " + refused.body.strip());
        } catch (IOException | TimeoutException | ExecutionException e) {
            status = -1;
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            error = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } catch (InterruptedException e) {
            // the node stops: the entry stays claimed until its lease ends, then any node tries it again
            Thread.currentThread().interrupt();
            return;
        }
        // §2.8: 200 OK; some frameworks answer 204 for it, and the OP should take that as success too
        if (status == 200 || status == 204) {
            if (outbox.delivered(entry.id())) {
                delivered.incrementAndGet();
                record(entry, true, "back-channel logout to " + entry.backchannelLogoutUri() + ": HTTP " + status
                        + " (attempt " + entry.attempts() + ")");
            }
            return;
        }
        // §2.8: 400 says the RP looked at the token and refused it (invalid, or the logout failed there): the same
        // request gets the same answer, so it is dead-lettered at once for the operator, not retried for a day
        boolean permanent = status == 400;
        String detail = error.length() > ERROR_LENGTH ? error.substring(0, ERROR_LENGTH) : error;
        Optional<State> state = outbox.failed(entry.id(), entry.attempts(), backoff(entry.attempts()),
                settings.maxAttempts(), settings.maxAge(), permanent, detail);
        if (state.isEmpty()) {
            return; // claimed again by another worker after the lease: its attempt decides
        }
        if (state.get() == State.DEAD) {
            dead.incrementAndGet();
            LOG.log(Level.WARNING, "Back-channel logout to {0} dead-lettered after {1} attempt(s): {2}",
                    entry.backchannelLogoutUri(), entry.attempts(), detail);
            record(entry, false, "back-channel logout to " + entry.backchannelLogoutUri() + " dead-lettered after "
                    + entry.attempts() + " attempt(s): " + detail);
        } else {
            retried.incrementAndGet();
        }
    }

    /**
     * POSTs and returns the status, within connect + read timeout in all (a receiver that trickles its answer holds
     * a worker no longer, and never past the lease); the body is read only for a 400, at most 512 bytes.
     */
    private int send(HttpRequest request) throws IOException, InterruptedException, TimeoutException,
            ExecutionException, RefusedWithBody {
        long deadline = settings.connectTimeout().plus(settings.readTimeout()).toMillis();
        CompletableFuture<HttpResponse<InputStream>> sent = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = sent.get(deadline, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            sent.cancel(true);
            throw e;
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 400) {
                return response.statusCode(); // closing the body unread abandons the rest
            }
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(body.readNBytes(BODY_LIMIT), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            String text;
            try {
                text = read.get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                text = "";
            }
            throw new RefusedWithBody(text);
        }
    }

    /** A 400 and what the RP said (§2.8: it MAY include an error code). */
    private static final class RefusedWithBody extends Exception {

        private final String body;

        RefusedWithBody(String body) {
            super(null, null, false, false);
            this.body = body;
        }
    }

    /** The wait after failed attempt {@code attempt}: doubling from the initial backoff, capped, half of it random. */
    Duration backoff(int attempt) {
        long initial = settings.initialBackoff().toMillis();
        long cap = settings.maxBackoff().toMillis();
        long exponential = attempt >= 62 ? cap : Math.min(cap, initial << Math.min(attempt - 1, 40));
        if (exponential <= 0) {
            exponential = cap;
        }
        // equal jitter: nodes that failed together do not come back together, and the wait still grows
        long half = exponential / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(exponential - half + 1));
    }

    private void record(Entry entry, boolean ok, String detail) {
        try {
            audit.record((ok
                    ? AuditEvent.success(AuditEvent.Type.LOGOUT, entry.clientId(), entry.userId(), null, null, detail)
                    : AuditEvent.failure(AuditEvent.Type.LOGOUT, entry.clientId(), entry.userId(), null, null,
                            detail)).withLoginId(entry.loginId()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Back-channel logout: the audit event was not recorded: " + e.getMessage());
        }
    }

    @Override
    public long deliveredCount() {
        return delivered.get();
    }

    @Override
    public long retriedCount() {
        return retried.get();
    }

    @Override
    public long deadLetteredCount() {
        return dead.get();
    }

    @Override
    public int busyWorkers() {
        return running.get();
    }

    @Override
    public int workerLimit() {
        return settings.workers();
    }

    @Override
    public Map<State, Long> outboxRows() {
        return outbox.countByState();
    }

    /** Stops the dispatcher and the workers; what they did not finish is due again for any node after its lease. */
    @Override
    public synchronized void close() {
        if (dispatcher != null) {
            dispatcher.interrupt();
            workers.shutdownNow();
            try {
                dispatcher.join(5_000);
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dispatcher = null;
            workers = null;
        }
    }
}
