package dev.echoid.benchmarks.load;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** The load driver's figures, and the table it prints. */
public record LoadReport(Instant date, LoadSettings settings, Duration startup, List<ScenarioResult> scenarios,
        SessionMemory memory) {

    private static final String ROW = "%-20s %-22s %8s %7s %9s %8s %8s %8s %8s%n";

    public LoadReport {
        scenarios = List.copyOf(scenarios);
    }

    public String format() {
        Runtime runtime = Runtime.getRuntime();
        StringBuilder out = new StringBuilder();
        out.append("EchoID load benchmark, ").append(date.truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append(String.format(Locale.ROOT, "machine   %d cores, max heap %d MiB, Java %s (%s), %s %s %s%n",
                runtime.availableProcessors(), runtime.maxMemory() / (1024 * 1024),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch")));
        out.append(String.format(Locale.ROOT, "settings  %d workers (%s), %d s per scenario (%s) after %d s of "
                        + "warm-up (%s), %d sessions (%s)%n", settings.threads(), LoadSettings.THREADS,
                settings.seconds(), LoadSettings.SECONDS, settings.warmupSeconds(), LoadSettings.WARMUP,
                settings.sessions(), LoadSettings.SESSIONS));
        out.append(String.format(Locale.ROOT, "system    DevServer: embedded PostgreSQL 17 and Tomcat 11 with both "
                + "WARs, started in %.1f s, in this JVM%n", startup.toMillis() / 1000.0));
        out.append("          the driver's HTTP clients run in the same JVM on the same cores: the figures are the "
                + "whole machine's\n\n");
        out.append(String.format(Locale.ROOT, ROW, "scenario", "one operation", "ops", "errors", "ops/s", "p50 ms",
                "p95 ms", "p99 ms", "max ms"));
        for (ScenarioResult result : scenarios) {
            out.append(String.format(Locale.ROOT, ROW, result.name(), result.unit(), result.operations(),
                    result.errors(), String.format(Locale.ROOT, "%.1f", result.throughput()),
                    millis(result.percentileMillis(50)), millis(result.percentileMillis(95)),
                    millis(result.percentileMillis(99)), millis(result.maxMillis())));
        }
        for (ScenarioResult result : scenarios) {
            result.firstError().ifPresent(error -> out.append("  first error of ").append(result.name())
                    .append(": ").append(error).append('\n'));
        }
        out.append('\n');
        out.append("memory    heap used after System.gc() (MemoryMXBean; approximate), Tomcat's resource caches emptied "
                + "first;\n          both WARs and the driver share this JVM\n");
        out.append(String.format(Locale.ROOT, "  %-28s %10.1f MiB   HTTP sessions: provider %d, gateway %d%n",
                "before", mib(memory.beforeBytes()), memory.sessionsBefore().provider(),
                memory.sessionsBefore().gateway()));
        out.append(String.format(Locale.ROOT, "  %-28s %10.1f MiB   HTTP sessions: provider %d, gateway %d%n",
                "after " + memory.sessions() + " sign-ins", mib(memory.afterBytes()),
                memory.sessionsAfter().provider(), memory.sessionsAfter().gateway()));
        out.append(String.format(Locale.ROOT, "  %-28s %10.1f MiB%n", "growth", mib(memory.growthBytes())));
        out.append(String.format(Locale.ROOT, "  %-28s %10d bytes (all either WAR keeps per sign-in, and the "
                + "driver's copy of the cookie)%n", "per signed-in session", memory.bytesPerSession()));
        return out.toString();
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
