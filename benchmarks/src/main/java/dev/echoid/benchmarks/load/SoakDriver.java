package dev.echoid.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The soak (issue 12): the launcher's system in its own JVM, as {@link LoadDriver} starts it, under
 * {@link SoakLoad}'s mixed load for {@code bench.soak.minutes}, sampled every {@code bench.soak.interval} seconds
 * ({@link SoakSampler}); writes the samples as CSV and their curves as a PNG ({@link SoakPlot}), and prints a trend
 * check: what grows over the last two thirds, and what levels off.
 *
 * <p>The server runs the launcher's defaults except {@link #SOAK_SETTINGS}: housekeeping every minute with the
 * shortest retention, and lifetimes short enough that what housekeeping purges reaches its level within the run.
 */
public final class SoakDriver {

    public static final String MINUTES = "bench.soak.minutes";
    public static final String INTERVAL = "bench.soak.interval";
    public static final String RATE = "bench.soak.rate";
    public static final String OUTPUT = "bench.soak.output";
    /** A soak's {@code soak.csv}: no load, the plot and the trend check drawn again from its samples. */
    public static final String FROM = "bench.soak.from";

    /**
     * The provider's settings for the soak, on top of the launcher's: each row type that housekeeping purges then
     * expires and is purged within about 7 minutes (300 s lifetime + 60 s retention + a 60 s run interval).
     */
    static final Map<String, String> SOAK_SETTINGS = soakSettings();

    private SoakDriver() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = integer(MINUTES, 30);
        int interval = integer(INTERVAL, 30);
        int threads = integer(LoadSettings.THREADS, 4);
        double rate = integer(RATE, 200);
        Path output = Paths.get(System.getProperty(OUTPUT, "target/soak")).toAbsolutePath();
        Files.createDirectories(output);
        String from = System.getProperty(FROM, "").trim();
        if (!from.isEmpty()) {
            List<SoakSampler.Sample> samples = readCsv(Paths.get(from));
            double last = samples.get(samples.size() - 1).elapsedSeconds();
            String title = System.getProperty("bench.soak.title", "").trim();
            SoakPlot.write(samples, title.isEmpty() ? String.format(Locale.ROOT, "EchoID soak: %.0f min, %d "
                    + "samples (from %s)", last / 60, samples.size(), from) : title, output.resolve("soak.png"));
            String report = "\nThe soak's samples in " + from + "\n" + analysis(samples);
            Files.writeString(output.resolve("soak-report.txt"), report, StandardCharsets.UTF_8);
            System.out.println(report);
            System.out.println("Plot: " + output.resolve("soak.png"));
            return;
        }
        PrintStream progress = System.err;
        Path webapps = Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath();
        ServerProcess.Launch base = LoadDriver.launchFromSystemProperties(webapps);
        List<String> options = new ArrayList<>(base.jvmOptions());
        SOAK_SETTINGS.forEach((name, value) -> options.add("-D" + name + "=" + value));
        ServerProcess.Launch launch = new ServerProcess.Launch(base.webapps(), base.classpath(), base.heap(),
                options, base.loggingConfig());

        Path data = Files.createTempDirectory("echoid-soak-");
        Instant date = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        progress.println("Starting EchoID in its own JVM (-Xmx" + launch.heap() + ", data in " + data + ")...");
        ServerProcess server = ServerProcess.start(launch, data, LoadDriver.freePort(), LoadDriver.freePort(), LoadDriver.freePort());
        List<SoakSampler.Sample> samples = new ArrayList<>();
        String housekeeping;
        try {
            progress.println("Started in " + server.startup().toMillis() + " ms, server JVM " + server.pid()
                    + ", PostgreSQL " + server.postmasterPid() + "; its output: " + server.log());
            SoakLoad load = new SoakLoad(server.issuer(), server.gateway(), server.clientSecret(), threads, rate);
            try (SoakSampler sampler = new SoakSampler(server)) {
                samples.add(sampler.sample(load.recorder().drain()));
                load.start();
                long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
                long next = System.nanoTime();
                while (System.nanoTime() < end) {
                    next += Duration.ofSeconds(interval).toNanos();
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                    SoakSampler.Sample sample = sampler.sample(load.recorder().drain());
                    samples.add(sample);
                    progress.println(progressLine(sample));
                    writeCsv(samples, output.resolve("soak.csv"));
                }
                load.stop();
            }
            housekeeping = housekeepingMetrics(server.issuer());
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\nThe server's last lines (" + server.log() + "):\n"
                    + server.tail(), e);
        } finally {
            server.close();
            LoadDriver.deleteTree(data);
        }
        writeCsv(samples, output.resolve("soak.csv"));
        String title = String.format(Locale.ROOT, "EchoID soak %s: %d min, %.0f ops/s target, %d workers, sample "
                + "every %d s, server -Xmx%s", date, minutes, rate, threads, interval, launch.heap());
        SoakPlot.write(samples, title, output.resolve("soak.png"));
        String report = report(samples, launch, minutes, interval, rate, threads, date) + housekeeping;
        Files.writeString(output.resolve("soak-report.txt"), report, StandardCharsets.UTF_8);
        System.out.println(report);
        System.out.println("Samples: " + output.resolve("soak.csv") + "; plot: " + output.resolve("soak.png"));
    }

    private static String progressLine(SoakSampler.Sample s) {
        long ops = s.operations().values().stream().mapToLong(IntervalLatencies.Figures::operations).sum();
        long errors = s.operations().values().stream().mapToLong(IntervalLatencies.Figures::errors).sum();
        return String.format(Locale.ROOT, "%5.0f s: load %.1f, RSS %d MiB, heap after GC %.1f MiB, %d ops, %d "
                + "errors, audit %d, access_token %d, refresh_token %d, sso_session %d", s.elapsedSeconds(),
                s.loadAverage(), s.rssBytes() >> 20, s.heapAfterGcBytes() / 1048576.0, ops, errors,
                s.rows().get("audit_event"), s.rows().get("access_token"), s.rows().get("refresh_token"),
                s.rows().get("sso_session"));
    }

    /** The samples of a {@link #writeCsv} file (without the operations' first errors, which it does not hold). */
    static List<SoakSampler.Sample> readCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        List<SoakSampler.Sample> samples = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells[i]);
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String table : SoakSampler.tables()) {
                rows.put(table, Long.parseLong(row.get("rows_" + table)));
            }
            Map<String, IntervalLatencies.Figures> operations = new LinkedHashMap<>();
            for (String operation : SoakLoad.OPERATIONS) {
                operations.put(operation, new IntervalLatencies.Figures(Long.parseLong(row.get(operation + "_ops")),
                        number(row.get(operation + "_p50_ms")), number(row.get(operation + "_p99_ms")),
                        Long.parseLong(row.get(operation + "_errors")), null));
            }
            samples.add(new SoakSampler.Sample(number(row.get("elapsed_s")), number(row.get("load_average_1m")),
                    Long.parseLong(row.get("rss_bytes")), Long.parseLong(row.get("heap_after_forced_full_gc_bytes")),
                    Long.parseLong(row.get("heap_committed_bytes")), Long.parseLong(row.get("young_gcs")),
                    Long.parseLong(row.get("full_gcs_not_forced")), Long.parseLong(row.get("gc_ms_incl_forced")),
                    number(row.get("jvm_cpu_s")), number(row.get("postgres_cpu_s")),
                    Integer.parseInt(row.get("gateway_http_sessions")), rows, operations));
        }
        return samples;
    }

    private static double number(String cell) {
        return cell == null || cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }

    static void writeCsv(List<SoakSampler.Sample> samples, Path csv) throws IOException {
        List<String> header = new ArrayList<>(List.of("elapsed_s", "load_average_1m", "rss_bytes",
                "heap_after_forced_full_gc_bytes", "heap_committed_bytes", "young_gcs", "full_gcs_not_forced",
                "gc_ms_incl_forced", "jvm_cpu_s", "postgres_cpu_s", "gateway_http_sessions"));
        for (String table : SoakSampler.tables()) {
            header.add("rows_" + table);
        }
        for (String operation : SoakLoad.OPERATIONS) {
            header.add(operation + "_ops");
            header.add(operation + "_errors");
            header.add(operation + "_p50_ms");
            header.add(operation + "_p99_ms");
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", header));
        for (SoakSampler.Sample s : samples) {
            List<String> row = new ArrayList<>(List.of(format(s.elapsedSeconds()), format(s.loadAverage()),
                    Long.toString(s.rssBytes()), Long.toString(s.heapAfterGcBytes()),
                    Long.toString(s.heapCommittedBytes()), Long.toString(s.youngCollections()),
                    Long.toString(s.fullCollections()), Long.toString(s.collectionMillis()),
                    format(s.jvmCpuSeconds()), format(s.postgresCpuSeconds()),
                    Integer.toString(s.gatewaySessions())));
            for (String table : SoakSampler.tables()) {
                row.add(Long.toString(s.rows().getOrDefault(table, -1L)));
            }
            for (String operation : SoakLoad.OPERATIONS) {
                IntervalLatencies.Figures f = s.operations().get(operation);
                row.add(f == null ? "0" : Long.toString(f.operations()));
                row.add(f == null ? "0" : Long.toString(f.errors()));
                row.add(f == null ? "" : format(f.p50Millis()));
                row.add(f == null ? "" : format(f.p99Millis()));
            }
            lines.add(String.join(",", row));
        }
        Files.write(csv, lines, StandardCharsets.UTF_8);
    }

    /** The trend check and the run's totals, as printed at the end. */
    static String report(List<SoakSampler.Sample> samples, ServerProcess.Launch launch, int minutes, int interval,
            double rate, int threads, Instant date) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nEchoID soak, %s: %d min of mixed load (%.0f ops/s target, %d "
                + "workers), sampled every %d s; server -Xmx%s %s%n", date, minutes, rate, threads, interval,
                launch.heap(), String.join(" ", launch.jvmOptions())));
        return out + analysis(samples);
    }

    /** The load average, the CPU, each operation's figures and the trend check of a soak's samples. */
    static String analysis(List<SoakSampler.Sample> samples) {
        StringBuilder out = new StringBuilder();
        List<SoakSampler.Sample> load = samples.subList(1, samples.size());
        out.append(String.format(Locale.ROOT, "load average (1 min) during the run: min %.1f, median %.1f, max %.1f"
                + "%n", stat(load, SoakSampler.Sample::loadAverage, 0), stat(load,
                SoakSampler.Sample::loadAverage, 0.5), stat(load, SoakSampler.Sample::loadAverage, 1)));
        double cpuJvm = load.stream().mapToDouble(SoakSampler.Sample::jvmCpuSeconds).sum();
        double cpuPg = load.stream().mapToDouble(SoakSampler.Sample::postgresCpuSeconds).sum();
        out.append(String.format(Locale.ROOT, "server CPU: JVM %.0f s, PostgreSQL %.0f s%n%n", cpuJvm, cpuPg));

        out.append("operation          ops      errors  p99 ms: median interval / worst interval  first error\n");
        for (String operation : SoakLoad.OPERATIONS) {
            long ops = 0;
            long errors = 0;
            String first = "";
            List<Double> p99 = new ArrayList<>();
            for (SoakSampler.Sample s : load) {
                IntervalLatencies.Figures f = s.operations().get(operation);
                ops += f.operations();
                errors += f.errors();
                if (first.isEmpty() && f.firstError() != null) {
                    first = f.firstError();
                }
                if (!Double.isNaN(f.p99Millis())) {
                    p99.add(f.p99Millis());
                }
            }
            p99.sort(Comparator.naturalOrder());
            out.append(String.format(Locale.ROOT, "%-18s %8d %8d  %8.1f / %8.1f  %s%n", operation, ops, errors,
                    p99.isEmpty() ? Double.NaN : p99.get(p99.size() / 2),
                    p99.isEmpty() ? Double.NaN : p99.get(p99.size() - 1), abbreviate(first)));
        }

        out.append("\nTrend over the last two thirds of the run (least squares; change = slope x that span):\n");
        List<SoakSampler.Sample> tail = samples.subList(Math.max(1, samples.size() / 3), samples.size());
        List<SoakSampler.Sample> lastThird = samples.subList(Math.max(1, samples.size() * 2 / 3), samples.size());
        Map<String, ToDoubleFunction<SoakSampler.Sample>> series = new LinkedHashMap<>();
        series.put("JVM RSS (MiB)", s -> s.rssBytes() / 1048576.0);
        series.put("heap after forced full GC (MiB)", s -> s.heapAfterGcBytes() / 1048576.0);
        series.put("gateway HTTP sessions", s -> s.gatewaySessions());
        for (String table : SoakSampler.tables()) {
            series.put(table + (SoakSampler.PURGED.contains(table) ? " (purged)" : " (kept by design)"),
                    s -> s.rows().get(table));
        }
        for (Map.Entry<String, ToDoubleFunction<SoakSampler.Sample>> line : series.entrySet()) {
            out.append(trend(line.getKey(), tail, lastThird, line.getValue())).append('\n');
        }
        return out.toString();
    }

    /**
     * "grows" when the fitted change over the last two thirds is more than 10 % of its mean there and more than twice
     * the samples' scatter around the fit (a small table whose level follows the random mix is not growing), and the
     * last third still rises at half that slope or more; "levels off" when it rose but the last third no longer does;
     * "flat" otherwise.
     */
    static String trend(String name, List<SoakSampler.Sample> tail, List<SoakSampler.Sample> lastThird,
            ToDoubleFunction<SoakSampler.Sample> value) {
        double slope = slopePerMinute(tail, value);
        double lastSlope = slopePerMinute(lastThird, value);
        double span = tail.size() < 2 ? 0
                : (tail.get(tail.size() - 1).elapsedSeconds() - tail.get(0).elapsedSeconds()) / 60;
        double mean = tail.stream().mapToDouble(value).average().orElse(0);
        double first = tail.isEmpty() ? 0 : value.applyAsDouble(tail.get(0));
        double last = tail.isEmpty() ? 0 : value.applyAsDouble(tail.get(tail.size() - 1));
        double change = slope * span;
        double scatter = scatter(tail, value, slope);
        String verdict;
        if (mean > 0 && change > 0.10 * mean && change > 2 * scatter) {
            verdict = lastSlope >= slope / 2 ? "GROWS" : "levels off";
        } else {
            verdict = "flat";
        }
        return String.format(Locale.ROOT, "  %-44s %-10s %10.1f -> %10.1f, slope %+10.2f/min (last third %+10.2f"
                + "/min), change %+6.1f %% of its mean, scatter %.1f", name, verdict, first, last, slope, lastSlope,
                mean == 0 ? 0 : 100 * change / mean, scatter);
    }

    /** The standard deviation of the samples around their least-squares line. */
    static double scatter(List<SoakSampler.Sample> samples, ToDoubleFunction<SoakSampler.Sample> value,
            double slopePerMinute) {
        int n = samples.size();
        if (n < 3) {
            return 0;
        }
        double mx = samples.stream().mapToDouble(s -> s.elapsedSeconds() / 60).average().orElse(0);
        double my = samples.stream().mapToDouble(value).average().orElse(0);
        double squares = 0;
        for (SoakSampler.Sample s : samples) {
            double residual = value.applyAsDouble(s) - (my + slopePerMinute * (s.elapsedSeconds() / 60 - mx));
            squares += residual * residual;
        }
        return Math.sqrt(squares / (n - 2));
    }

    static double slopePerMinute(List<SoakSampler.Sample> samples, ToDoubleFunction<SoakSampler.Sample> value) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mx = samples.stream().mapToDouble(s -> s.elapsedSeconds() / 60).average().orElse(0);
        double my = samples.stream().mapToDouble(value).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (SoakSampler.Sample s : samples) {
            double dx = s.elapsedSeconds() / 60 - mx;
            sxy += dx * (value.applyAsDouble(s) - my);
            sxx += dx * dx;
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static double stat(List<SoakSampler.Sample> samples, ToDoubleFunction<SoakSampler.Sample> value,
            double quantile) {
        double[] sorted = samples.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.round(quantile * (sorted.length - 1))];
    }

    /** What the provider's housekeeping says it did ({@code /metrics}, which loopback may read). */
    private static String housekeepingMetrics(String issuer) {
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(issuer + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return "\nThe provider's housekeeping (/metrics):\n" + metrics.body().lines()
                    .filter(line -> line.startsWith("echoid_housekeeping"))
                    .map(line -> "  " + line).collect(Collectors.joining("\n")) + "\n";
        } catch (IOException e) {
            return "\n/metrics not read: " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "\n/metrics not read: interrupted\n";
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static Map<String, String> soakSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS", "60");
        settings.put("IDENTITY_HOUSEKEEPING_RETENTION_SECONDS", "60");
        settings.put("IDENTITY_ACCESS_TOKEN_TTL_SECONDS", "300");
        settings.put("IDENTITY_REFRESH_IDLE_TTL_SECONDS", "300");
        settings.put("IDENTITY_SESSION_IDLE_SECONDS", "300");
        settings.put("IDENTITY_BRUTE_FORCE_FAILURE_RESET_SECONDS", "120");
        // the failed sign-ins all come from 127.0.0.1: the address must not be locked for the demo user's sign-ins
        settings.put("IDENTITY_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS", "1000000");
        return java.util.Collections.unmodifiableMap(settings);
    }

    private static int integer(String name, int fallback) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? fallback : Integer.parseInt(value);
    }
}
