package dev.echoid.benchmarks.load;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The load driver's figures, and the table it prints, with the targets of issue 10 beside them: figures to read,
 * not a verdict (nothing fails when a target is missed).
 *
 * @param heap       the server JVM's {@code -Xmx}
 * @param jvmOptions its other options
 */
public record LoadReport(Instant date, LoadSettings settings, String heap, List<String> jvmOptions,
        Duration startup, ServerMemory memory, int postgresProcesses, List<MeasuredScenario> scenarios,
        FloodFigures flood, SessionMemory sessions) {

    /** Issue 10's targets, per server CPU-second. */
    static final Map<String, String> TARGETS = Map.of(
            "discovery", ">= 15,000",
            "jwks", ">= 15,000",
            "client_credentials", ">= 2,000",
            "refresh", ">= 1,000",
            "sign_in", ">= 30");
    static final String RSS_READY_TARGET = "<= 256 MiB";
    static final String RSS_AFTER_TARGET = "<= 400 MiB";
    static final String RSS_PEAK_TARGET = "<= 512 MiB";
    static final String READY_P99_TARGET = "< 100 ms";

    /**
     * The server JVM's resident memory.
     *
     * @param readyBytes     {@code VmRSS} once both WARs answered ready, before any load
     * @param afterLoadBytes {@code VmRSS} after the last scenario (the flood)
     * @param peakBytes      {@code VmHWM} then (the highest since the JVM started), or the highest {@code VmRSS}
     *                       sampled if that is higher: the kernel keeps both counters approximately
     */
    public record ServerMemory(long readyBytes, long afterLoadBytes, long peakBytes) {
    }

    /** The flood's figures, and what the server spent during it (the probes and others' sign-ins included). */
    public record FloodFigures(Flood.Result result, ServerCost cost) {

        /** Flood answers per server CPU-second. */
        public double perCpuSecond() {
            return cost.perCpuSecond(result.answers().operations());
        }
    }

    private static final String LOAD_ROW = "%-20s %-24s %8s %7s %9s %8s %8s %8s %8s%n";
    private static final String COST_ROW = "%-20s %8s %8s %11s %11s %-10s %7s %7s %7s%n";

    /** {@code flood} is null when {@code bench.only} leaves it out. */
    public LoadReport {
        jvmOptions = List.copyOf(jvmOptions);
        scenarios = List.copyOf(scenarios);
    }

    public String format() {
        StringBuilder out = new StringBuilder();
        header(out);
        out.append(String.format(Locale.ROOT, LOAD_ROW, "scenario", "one operation", "ops", "errors", "ops/s",
                "p50 ms", "p95 ms", "p99 ms", "max ms"));
        for (MeasuredScenario scenario : scenarios) {
            loadRow(out, scenario.load());
        }
        for (MeasuredScenario scenario : scenarios) {
            scenario.load().firstError().ifPresent(error -> out.append("  first error of ")
                    .append(scenario.name()).append(": ").append(error).append('\n'));
        }
        out.append('\n');
        out.append("server cost of each scenario: CPU seconds of the server JVM and of PostgreSQL (all its processes), "
                + "from /proc;\n  ops per server CPU-second against the target; the server JVM's RSS in MiB\n");
        out.append(String.format(Locale.ROOT, COST_ROW, "scenario", "JVM s", "PG s", "CPU ms/op", "ops/CPU-s",
                "target", "RSS <", "RSS >", "peak"));
        for (MeasuredScenario scenario : scenarios) {
            costRow(out, scenario.name(), scenario.load().operations(), scenario.cost(), scenario.perCpuSecond(),
                    TARGETS.getOrDefault(scenario.name(), "-"));
        }
        if (flood != null) {
            costRow(out, "flood (answers)", flood.result().answers().operations(), flood.cost(),
                    flood.perCpuSecond(), "-");
            out.append("  the flood's CPU includes its /health/ready probes and the other person's sign-ins\n");
            out.append('\n');
            flood(out);
        } else {
            out.append("  the flood was not run (" + LoadSettings.ONLY + ")\n");
        }
        out.append('\n');
        memory(out);
        return out.toString();
    }

    private void header(StringBuilder out) {
        Runtime runtime = Runtime.getRuntime();
        out.append("EchoID load benchmark, ").append(date.truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append(String.format(Locale.ROOT, "machine   %d cores, Java %s (%s), %s %s %s%n",
                runtime.availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch")));
        out.append(String.format(Locale.ROOT, "settings  %d workers (%s), %d s per scenario (%s) after %d s of "
                        + "warm-up (%s),%n          %d sessions (%s), a flood of %d (%s)%n", settings.threads(),
                LoadSettings.THREADS, settings.seconds(), LoadSettings.SECONDS, settings.warmupSeconds(),
                LoadSettings.WARMUP, settings.sessions(), LoadSettings.SESSIONS, settings.flood(),
                LoadSettings.FLOOD));
        if (!settings.complete()) {
            out.append("          only " + String.join(", ", settings.only().stream().sorted().toList()) + " ("
                    + LoadSettings.ONLY + "): not the whole table\n");
        }
        out.append(String.format(Locale.ROOT, "server    the launcher's DevServer in its own JVM (-Xmx%s%s, %s), "
                        + "ready in %.1f s:%n          Tomcat 11 with both WARs, embedded PostgreSQL 17 (%d processes "
                        + "when ready)%n", heap, jvmOptions.isEmpty() ? "" : " " + String.join(" ", jvmOptions),
                LoadDriver.SERVER_HEAP, startup.toMillis() / 1000.0, postgresProcesses));
        out.append("          the driver (this JVM) shares the machine's cores with it: its own CPU is not counted, "
                + "but it competes\n\n");
    }

    private static void loadRow(StringBuilder out, ScenarioResult result) {
        out.append(String.format(Locale.ROOT, LOAD_ROW, result.name(), result.unit(), result.operations(),
                result.errors(), String.format(Locale.ROOT, "%.1f", result.throughput()),
                millis(result.percentileMillis(50)), millis(result.percentileMillis(95)),
                millis(result.percentileMillis(99)), millis(result.maxMillis())));
    }

    private static void costRow(StringBuilder out, String name, long operations, ServerCost cost,
            double perCpuSecond, String target) {
        out.append(String.format(Locale.ROOT, COST_ROW, name, seconds(cost.jvmSeconds()),
                seconds(cost.postgresSeconds()),
                operations == 0 ? "-" : String.format(Locale.ROOT, "%.3f", cost.cpuSeconds() * 1000 / operations),
                Double.isNaN(perCpuSecond) ? "-" : String.format(Locale.ROOT, "%,.1f", perCpuSecond), target,
                mib(cost.rssBeforeBytes()), mib(cost.rssAfterBytes()), mib(cost.rssPeakBytes())));
    }

    private void flood(StringBuilder out) {
        Flood.Result result = flood.result();
        ScenarioResult answers = result.answers();
        ScenarioResult ready = result.ready();
        ScenarioResult others = result.othersSignIns();
        out.append(String.format(Locale.ROOT, "flood     %d workers POST /token as a client that does not exist, "
                + "with no credentials, for %d s;%n          meanwhile /health/ready every %d ms and one other "
                + "person signing in, one sign-in after another%n", answers.threads(), settings.seconds(),
                Flood.PROBE_MILLIS));
        out.append(String.format(Locale.ROOT, "  %-26s %-50s %s%n", "", "figure", "target"));
        out.append(String.format(Locale.ROOT, "  %-26s %-50s %s%n", "answers (401, 503, 429)",
                String.format(Locale.ROOT, "%d, %.1f/s, %d errors, p99 %s ms", answers.operations(),
                        answers.throughput(), answers.errors(), millis(answers.percentileMillis(99))), "-"));
        out.append(String.format(Locale.ROOT, "  %-26s %s%n", "their outcomes", result.outcomes().entrySet().stream()
                .map(outcome -> outcome.getKey() + ": " + outcome.getValue())
                .collect(Collectors.joining(", "))));
        out.append(String.format(Locale.ROOT, "  %-26s %-50s %s%n", "/health/ready p99",
                String.format(Locale.ROOT, "%s ms (p50 %s, %d probes, %d not ready)",
                        millis(ready.percentileMillis(99)), millis(ready.percentileMillis(50)),
                        ready.operations() + ready.errors(), ready.errors()), READY_P99_TARGET));
        out.append(String.format(Locale.ROOT, "  %-26s %s%n", "", "(every probe's time, answered or not; "
                + "not ready: not 200 within " + Scenarios.PROBE_TIMEOUT.toMillis() + " ms)"));
        out.append(String.format(Locale.ROOT, "  %-26s %-50s %s%n", "others' sign-ins",
                String.format(Locale.ROOT, "%d succeeded, %d failed, p99 %s ms", others.operations(),
                        others.errors(), millis(others.percentileMillis(99))), "keep succeeding"));
        out.append(String.format(Locale.ROOT, "  %-26s %-50s %s%n", "server JVM RSS",
                String.format(Locale.ROOT, "%s before, %s after, %s peak MiB", mib(flood.cost().rssBeforeBytes()),
                        mib(flood.cost().rssAfterBytes()), mib(flood.cost().rssPeakBytes())),
                "bound holds (peak " + RSS_PEAK_TARGET + ")"));
        for (ScenarioResult part : List.of(answers, ready, others)) {
            part.firstError().ifPresent(error -> out.append("  first error of ").append(part.name())
                    .append(" during the flood: ").append(error).append('\n'));
        }
    }

    private void memory(StringBuilder out) {
        out.append("memory    the server JVM's resident memory, both WARs (VmRSS; the peak is VmHWM, since it "
                + "started, or\n          the highest VmRSS sampled if higher)\n");
        out.append(String.format(Locale.ROOT, "  %-28s %10s MiB   %s%n", "ready", mib(memory.readyBytes()),
                RSS_READY_TARGET));
        out.append(String.format(Locale.ROOT, "  %-28s %10s MiB   %s%n", "after all load", mib(memory.afterLoadBytes()),
                RSS_AFTER_TARGET));
        out.append(String.format(Locale.ROOT, "  %-28s %10s MiB   %s%n", "peak", mib(memory.peakBytes()),
                RSS_PEAK_TARGET));
        out.append("heap      used in the server after System.gc() (its MemoryMXBean over JMX; approximate), Tomcat's "
                + "resource\n          caches emptied first; read after every other figure\n");
        if (sessions.notMeasured().isPresent()) {
            out.append("  not measured: ").append(sessions.notMeasured().get()).append('\n');
            return;
        }
        out.append(String.format(Locale.ROOT, "  %-28s %10s MiB   HTTP sessions: provider %d, gateway %d%n",
                "before", mib(sessions.beforeBytes()), sessions.sessionsBefore().provider(),
                sessions.sessionsBefore().gateway()));
        out.append(String.format(Locale.ROOT, "  %-28s %10s MiB   HTTP sessions: provider %d, gateway %d%n",
                "after " + sessions.sessions() + " sign-ins", mib(sessions.afterBytes()),
                sessions.sessionsAfter().provider(), sessions.sessionsAfter().gateway()));
        out.append(String.format(Locale.ROOT, "  %-28s %10s MiB%n", "growth", mib(sessions.growthBytes())));
        out.append(String.format(Locale.ROOT, "  %-28s %10d bytes (all either WAR keeps per sign-in)%n",
                "per signed-in session", sessions.bytesPerSession()));
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
