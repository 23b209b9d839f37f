package dev.echoid.benchmarks.load;

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

    /** Successful operations per second of the run. */
    public double throughput() {
        return operations * 1e9 / elapsedNanos;
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
