package dev.echoid.benchmarks.load;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one measured scenario did.
 *
 * @param operations    operations that succeeded; failed ones are {@code errors} and have no response time
 * @param sortedNanos   the response times of the successful operations, ascending
 * @param elapsedNanos  from the start until the last worker's last answer
 * @param firstError    what went wrong first, when something did
 */
public record ScenarioResult(String name, String unit, int threads, long operations, long errors,
        long elapsedNanos, long[] sortedNanos, Optional<String> firstError) {

    /**
     * Runs of one scenario taken as one: their operations, errors and times added up, their response times merged
     * (the driver measures some scenarios in rounds, with unmeasured preparation between them).
     */
    public static ScenarioResult combine(List<ScenarioResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no run to combine");
        }
        ScenarioResult first = runs.get(0);
        long operations = 0;
        long errors = 0;
        long elapsed = 0;
        long[] sorted = new long[0];
        Optional<String> firstError = Optional.empty();
        for (ScenarioResult run : runs) {
            operations += run.operations();
            errors += run.errors();
            elapsed += run.elapsedNanos();
            int at = sorted.length;
            sorted = Arrays.copyOf(sorted, at + run.sortedNanos().length);
            System.arraycopy(run.sortedNanos(), 0, sorted, at, run.sortedNanos().length);
            if (firstError.isEmpty()) {
                firstError = run.firstError();
            }
        }
        Arrays.sort(sorted);
        return new ScenarioResult(first.name(), first.unit(), first.threads(), operations, errors, elapsed, sorted,
                firstError);
    }

    /** Successful operations per second of the run. */
    public double throughput() {
        return elapsedNanos == 0 ? 0 : operations * 1e9 / elapsedNanos;
    }

    /** The {@code percentile} (0 < p ≤ 100) response time by nearest rank, in milliseconds; NaN when none. */
    public double percentileMillis(double percentile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }

    public double maxMillis() {
        return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
    }
}
