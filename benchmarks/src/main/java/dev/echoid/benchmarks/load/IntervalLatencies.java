package dev.echoid.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak's response times and errors per operation since the last {@link #drain()}: each sample of the soak takes
 * what its interval measured and starts the next one empty.
 */
final class IntervalLatencies {

    /** One operation's interval: successful operations, their p50 and p99 (nearest rank), errors and the first. */
    record Figures(long operations, double p50Millis, double p99Millis, long errors, String firstError) {
    }

    private static final class Tally {
        Latencies latencies = new Latencies();
        long errors;
        String firstError;
    }

    private final List<String> operations;
    private Map<String, Tally> tallies;

    IntervalLatencies(List<String> operations) {
        this.operations = List.copyOf(operations);
        this.tallies = empty();
    }

    synchronized void succeeded(String operation, long nanos) {
        tallies.get(operation).latencies.add(nanos);
    }

    synchronized void failed(String operation, String error) {
        Tally tally = tallies.get(operation);
        tally.errors++;
        if (tally.firstError == null) {
            tally.firstError = error;
        }
    }

    /** The figures since the last call, in the order of the operations; the tallies start again. */
    Map<String, Figures> drain() {
        Map<String, Tally> taken;
        synchronized (this) {
            taken = tallies;
            tallies = empty();
        }
        Map<String, Figures> figures = new LinkedHashMap<>();
        taken.forEach((operation, tally) -> {
            long[] sorted = Latencies.sortedUnion(List.of(tally.latencies));
            figures.put(operation, new Figures(sorted.length, percentileMillis(sorted, 0.50),
                    percentileMillis(sorted, 0.99), tally.errors, tally.firstError));
        });
        return figures;
    }

    /** Nearest rank; NaN when nothing succeeded. */
    static double percentileMillis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private Map<String, Tally> empty() {
        Map<String, Tally> fresh = new LinkedHashMap<>();
        for (String operation : operations) {
            fresh.put(operation, new Tally());
        }
        return fresh;
    }
}
