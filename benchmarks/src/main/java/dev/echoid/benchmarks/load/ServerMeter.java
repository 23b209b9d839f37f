package dev.echoid.benchmarks.load;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reads the server's CPU time and resident memory around a run, from {@code /proc}: CPU before and after, the JVM's
 * {@code VmRSS} before, after and sampled in between for the peak.
 */
final class ServerMeter {

    static final int SAMPLE_MILLIS = 50;

    private final ServerProcess server;

    ServerMeter(ServerProcess server) {
        this.server = server;
    }

    /** A run's result and what the server spent on it. */
    record Metered<T>(T result, ServerCost cost) {
    }

    /** Runs {@code run} and reads what the server spent meanwhile; nothing else of the driver's runs in between. */
    <T> Metered<T> measure(Supplier<T> run) {
        long rssBefore = server.rssBytes();
        AtomicLong peak = new AtomicLong(rssBefore);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bench-rss-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(server.rssBytes(), Math::max), SAMPLE_MILLIS,
                SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        ServerProcess.CpuTicks cpuBefore = server.cpu();
        T result;
        try {
            result = run.get();
        } finally {
            sampler.shutdownNow();
        }
        ServerProcess.CpuTicks spent = server.cpu().minus(cpuBefore);
        long rssAfter = server.rssBytes();
        return new Metered<>(result, new ServerCost(spent.jvm(), spent.postgres(), rssBefore, rssAfter,
                Math.max(peak.get(), rssAfter)));
    }
}
