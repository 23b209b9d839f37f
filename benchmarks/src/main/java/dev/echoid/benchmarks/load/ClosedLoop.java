package dev.echoid.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Runs a scenario with a fixed number of workers for a fixed time; each worker starts its next operation when the
 * previous one is answered. Such a closed loop slows down with the server, so its response times leave out the
 * waiting an open stream of visitors would meet when the server falls behind (coordinated omission).
 */
final class ClosedLoop {

    private ClosedLoop() {
    }

    /** One worker's tally. */
    private record Tally(Latencies latencies, long errors, String firstError, long endNanos) {
    }

    /** Runs {@code scenario} for {@code duration}; operations under way at the end are finished and counted. */
    static ScenarioResult run(Scenario scenario, int threads, Duration duration) {
        long[] deadline = new long[1];
        return run(scenario, threads, () -> deadline[0] = System.nanoTime() + duration.toNanos(),
                () -> System.nanoTime() >= deadline[0]);
    }

    /** Runs {@code scenario} until {@code finished} says so; each worker asks before every operation. */
    static ScenarioResult runUntil(Scenario scenario, int threads, BooleanSupplier finished) {
        return run(scenario, threads, () -> { }, finished);
    }

    private static ScenarioResult run(Scenario scenario, int threads, Runnable starting, BooleanSupplier finished) {
        AtomicInteger names = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(threads,
                task -> new Thread(task, "bench-" + scenario.name() + "-" + names.incrementAndGet()));
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Tally>> tallies = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                tallies.add(workers.submit(() -> {
                    ready.countDown();
                    go.await();
                    return work(scenario.operation(), finished);
                }));
            }
            ready.await();
            long start = System.nanoTime();
            starting.run();
            go.countDown(); // the latch also publishes what starting.run() set to the workers
            List<Latencies> latencies = new ArrayList<>();
            long errors = 0;
            long end = start;
            String firstError = null;
            for (Future<Tally> future : tallies) {
                Tally tally = future.get();
                latencies.add(tally.latencies());
                errors += tally.errors();
                end = Math.max(end, tally.endNanos());
                if (firstError == null) {
                    firstError = tally.firstError();
                }
            }
            long[] sorted = Latencies.sortedUnion(latencies);
            return new ScenarioResult(scenario.name(), scenario.unit(), threads, sorted.length, errors, end - start,
                    sorted, Optional.ofNullable(firstError));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + scenario.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker of " + scenario.name() + " failed", e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    private static Tally work(Scenario.Operation operation, BooleanSupplier finished) {
        Latencies latencies = new Latencies();
        long errors = 0;
        String firstError = null;
        long now = System.nanoTime();
        while (!finished.getAsBoolean()) {
            try {
                operation.perform();
                long answered = System.nanoTime();
                latencies.add(answered - now);
                now = answered;
            } catch (Scenario.Exhausted nothingLeft) {
                break; // neither an operation nor an error
            } catch (Exception | AssertionError e) {
                errors++;
                if (firstError == null) {
                    firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                    Thread.currentThread().interrupt();
                    break; // the run is being stopped, not the server failing
                }
                now = System.nanoTime();
            }
        }
        return new Tally(latencies, errors, firstError, now);
    }
}
