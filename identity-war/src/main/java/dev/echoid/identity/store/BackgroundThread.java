package dev.echoid.identity.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a periodic job of the provider runs on (the audit chainer, housekeeping): a named daemon, so that
 * it never keeps a JVM alive, and stopped within a bound, so that an undeploy never hangs on it.
 */
public final class BackgroundThread {

    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private BackgroundThread() {
    }

    public static ScheduledExecutorService start(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Interrupts the run under way and waits for it to end, for {@link #STOP_WAIT} at most. */
    public static void stop(ScheduledExecutorService executor) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
