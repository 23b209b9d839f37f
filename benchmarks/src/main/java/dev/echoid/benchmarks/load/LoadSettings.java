package dev.echoid.benchmarks.load;

/**
 * How hard and how long the load driver pushes, from system properties ({@code -Dbench.seconds=20}); the defaults
 * suit a 2-core machine. The Maven command passes its own properties of the same names and defaults.
 *
 * @param seconds        how long each scenario is measured
 * @param warmupSeconds  how long each scenario runs, unmeasured, before that
 * @param threads        concurrent workers, each sending its next request when the previous one is answered
 * @param sessions       signed-in gateway sessions created for the memory figure, then used by {@code api_echo}
 * @param flood          concurrent workers of the unauthenticated flood
 */
public record LoadSettings(int seconds, int warmupSeconds, int threads, int sessions, int flood) {

    public static final String SECONDS = "bench.seconds";
    public static final String WARMUP = "bench.warmup";
    public static final String THREADS = "bench.threads";
    public static final String SESSIONS = "bench.sessions";
    public static final String FLOOD = "bench.flood";

    public LoadSettings {
        requireAtLeast(SECONDS, seconds, 1);
        requireAtLeast(WARMUP, warmupSeconds, 0);
        requireAtLeast(THREADS, threads, 1);
        requireAtLeast(SESSIONS, sessions, 1);
        requireAtLeast(FLOOD, flood, 1);
    }

    public static LoadSettings fromSystemProperties() {
        return new LoadSettings(integer(SECONDS, 20), integer(WARMUP, 5), integer(THREADS, 4),
                integer(SESSIONS, 500), integer(FLOOD, 100));
    }

    private static int integer(String name, int fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
        }
    }

    private static void requireAtLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", not " + value);
        }
    }
}
