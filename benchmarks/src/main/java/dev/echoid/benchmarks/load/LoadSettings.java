package dev.echoid.benchmarks.load;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How hard and how long the load driver pushes, from system properties ({@code -Dbench.seconds=20}); the defaults
 * suit a 2-core machine. The Maven command passes its own properties of the same names and defaults.
 *
 * @param seconds        how long each scenario is measured
 * @param warmupSeconds  how long each scenario runs, unmeasured, before that
 * @param threads        concurrent workers, each sending its next request when the previous one is answered
 * @param sessions       signed-in gateway sessions created for the memory figure, then used by {@code api_echo}
 * @param flood          concurrent workers of the unauthenticated flood
 * @param only           the scenarios to run ({@code discovery}, {@code jwks}, {@code client_credentials},
 *                       {@code refresh}, {@code code_exchange}, {@code sign_in}, {@code api_echo}, {@code flood},
 *                       {@code memory}); empty: all of them
 */
public record LoadSettings(int seconds, int warmupSeconds, int threads, int sessions, int flood, Set<String> only) {

    /** Every scenario's name, in the order they run; {@code memory} is the heap-per-session figure. */
    public static final List<String> SCENARIOS = List.of("discovery", "jwks", "client_credentials", "refresh",
            "code_exchange", "sign_in", "api_echo", "flood", "memory");

    public static final String SECONDS = "bench.seconds";
    public static final String WARMUP = "bench.warmup";
    public static final String THREADS = "bench.threads";
    public static final String SESSIONS = "bench.sessions";
    public static final String FLOOD = "bench.flood";
    public static final String ONLY = "bench.only";

    public LoadSettings {
        requireAtLeast(SECONDS, seconds, 1);
        requireAtLeast(WARMUP, warmupSeconds, 0);
        requireAtLeast(THREADS, threads, 1);
        requireAtLeast(SESSIONS, sessions, 1);
        requireAtLeast(FLOOD, flood, 1);
        only = Set.copyOf(only);
        for (String name : only) {
            if (!SCENARIOS.contains(name)) {
                throw new IllegalArgumentException(ONLY + " names scenarios among " + SCENARIOS + ", not '" + name
                        + "'");
            }
        }
    }

    /** Every scenario. */
    public LoadSettings(int seconds, int warmupSeconds, int threads, int sessions, int flood) {
        this(seconds, warmupSeconds, threads, sessions, flood, Set.of());
    }

    /** Whether {@code scenario} runs: every one does unless {@code bench.only} names some. */
    public boolean runs(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    /** Whether every scenario runs: the figures then compare with the README's table. */
    public boolean complete() {
        return only.isEmpty();
    }

    public static LoadSettings fromSystemProperties() {
        return new LoadSettings(integer(SECONDS, 20), integer(WARMUP, 5), integer(THREADS, 4),
                integer(SESSIONS, 500), integer(FLOOD, 100), names(System.getProperty(ONLY, "")));
    }

    private static Set<String> names(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
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
