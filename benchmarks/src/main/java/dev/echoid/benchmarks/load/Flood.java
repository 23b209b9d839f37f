package dev.echoid.benchmarks.load;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The unauthenticated flood: {@code concurrency} workers send {@code POST /token} as a client that does not exist,
 * with no credentials at all, for {@code duration}. Meanwhile one prober asks {@code /health/ready} every
 * {@value #PROBE_MILLIS} ms (as an orchestrator would) and one person keeps signing in through the gateway: does the
 * provider stay ready, and do the sign-ins of others keep succeeding?
 */
final class Flood {

    static final int PROBE_MILLIS = 50;

    /**
     * @param answers       the flood's requests: 401 {@code invalid_client} (or 503, 429) counts as an answer
     * @param ready         the probes of {@code /health/ready}; a non-200, or no answer within the probe's timeout,
     *                      is an error (not ready). Unlike other results, its times are those of every probe,
     *                      answered or not: a probe that timed out counts with its time
     * @param othersSignIns the whole sign-ins of someone else, one at a time; a failed one is an error
     * @param outcomes      how the flood's requests ended: {@code HTTP 401}, {@code HttpTimeoutException}...
     */
    record Result(ScenarioResult answers, ScenarioResult ready, ScenarioResult othersSignIns,
            Map<String, Long> outcomes) {

        Result {
            outcomes = Collections.unmodifiableMap(new TreeMap<>(outcomes));
        }
    }

    private Flood() {
    }

    static Result run(Scenarios scenarios, int concurrency, Duration duration) {
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        CompletableFuture<ScenarioResult> flood = CompletableFuture.supplyAsync(
                () -> ClosedLoop.run(scenarios.unknownClient(outcomes), concurrency, duration), Flood::thread);
        CompletableFuture<ScenarioResult> signIns = CompletableFuture.supplyAsync(
                () -> ClosedLoop.run(scenarios.signIn(), 1, duration), Flood::thread);
        ScenarioResult ready = probe(scenarios.ready(), duration);
        try {
            ScenarioResult answers = flood.get();
            Map<String, Long> counted = new TreeMap<>();
            outcomes.forEach((outcome, count) -> counted.put(outcome, count.sum()));
            return new Result(answers, ready, signIns.get(), counted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the flood", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the flood failed", e.getCause());
        }
    }

    private static void thread(Runnable task) {
        Thread thread = new Thread(task, "bench-flood");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * One request every {@value #PROBE_MILLIS} ms (or when the last one is answered, if later); each timed alone,
     * those that failed too.
     */
    private static ScenarioResult probe(Scenario probe, Duration duration) {
        Latencies latencies = new Latencies();
        long errors = 0;
        String firstError = null;
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        long next = start;
        while (System.nanoTime() < deadline) {
            long sent = System.nanoTime();
            try {
                probe.operation().perform();
                latencies.add(System.nanoTime() - sent);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the flood", e);
            } catch (Exception e) {
                latencies.add(System.nanoTime() - sent);
                errors++;
                if (firstError == null) {
                    firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
            next += PROBE_MILLIS * 1_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(wait / 1_000_000L);
            } else {
                next = System.nanoTime();
            }
        }
        long[] sorted = Latencies.sortedUnion(List.of(latencies));
        return new ScenarioResult(probe.name(), probe.unit(), 1, sorted.length - errors, errors,
                System.nanoTime() - start, sorted, Optional.ofNullable(firstError));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the flood", e);
        }
    }
}
