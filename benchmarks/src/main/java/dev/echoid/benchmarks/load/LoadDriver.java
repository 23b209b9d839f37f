package dev.echoid.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Starts the whole system in its own JVM ({@link ServerProcess}: the launcher's DevServer, embedded PostgreSQL and
 * Tomcat with both WARs) on free ports and a temporary data directory, and measures it under load from this one:
 * discovery and JWKS as a baseline, {@code client_credentials}, refresh chains, code redemption, complete sign-ins
 * through the gateway, signed-in {@code /api/echo} calls and an unauthenticated flood. For each, the server's CPU
 * (its JVM's and PostgreSQL's, from {@code /proc}) and its JVM's resident memory; also the heap that signed-in
 * sessions take. Prints a table with the targets of issue 10; asserts nothing about speed.
 *
 * <p>{@code java -Dbench.seconds=20 -Dbench.threads=4 ... dev.echoid.benchmarks.load.LoadDriver}; see README,
 * "Benchmarks", for the Maven command.
 */
public final class LoadDriver {

    /** The server JVM's {@code -Xmx} unless {@value #SERVER_HEAP} says otherwise. */
    static final String DEFAULT_SERVER_HEAP = "256m";
    public static final String SERVER_HEAP = "bench.server.heap";
    /** More options for the server JVM, separated by spaces. */
    public static final String SERVER_OPTIONS = "bench.server.options";
    /** A file holding the launcher's runtime class path (the build writes it); the driver's own when absent. */
    public static final String SERVER_CLASSPATH = "bench.server.classpath";

    /** Codes redeemed per round of {@code code_exchange} at least, per worker (their lifetime is 60 s). */
    private static final int CODES_PER_WORKER = 10;
    private static final long ROUND_NANOS = Duration.ofSeconds(4).toNanos();

    private final LoadSettings settings;
    private final PrintStream progress;

    public LoadDriver(LoadSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public static void main(String[] args) {
        LoadSettings settings = LoadSettings.fromSystemProperties();
        Path webapps = Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath();
        LoadReport report = new LoadDriver(settings, System.err).run(launchFromSystemProperties(webapps));
        System.out.println(report.format());
    }

    /** The server's start as the system properties say, with the driver's logging configuration. */
    public static ServerProcess.Launch launchFromSystemProperties(Path webapps) {
        String options = System.getProperty(SERVER_OPTIONS, "").trim();
        String logging = System.getProperty("java.util.logging.config.file", "");
        return new ServerProcess.Launch(webapps, serverClasspath(),
                System.getProperty(SERVER_HEAP, DEFAULT_SERVER_HEAP).trim(),
                options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+")),
                Paths.get(logging).toAbsolutePath());
    }

    private static String serverClasspath() {
        String file = System.getProperty(SERVER_CLASSPATH, "").trim();
        if (file.isEmpty()) {
            return System.getProperty("java.class.path");
        }
        try {
            return Files.readString(Paths.get(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server's class path from " + file, e);
        }
    }

    /** Starts the system, runs every scenario, stops it and deletes its data (its log stays, named in the report). */
    public LoadReport run(ServerProcess.Launch launch) {
        if (!ProcFs.available()) {
            throw new IllegalStateException("the load driver reads the server's CPU and memory from /proc (Linux)");
        }
        Path data = temporaryDirectory();
        Instant date = Instant.now();
        progress.println("Starting EchoID in its own JVM (-Xmx" + launch.heap() + ", data in " + data + ")...");
        ServerProcess server = ServerProcess.start(launch, data, freePort(), freePort(), freePort());
        try {
            progress.println("Started in " + server.startup().toMillis() + " ms, server JVM " + server.pid()
                    + ", PostgreSQL " + server.postmasterPid() + "; its output: " + server.log());
            return measure(server, launch, date);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\nThe server's last lines (" + server.log() + "):\n"
                    + server.tail(), e);
        } finally {
            server.close();
            deleteTree(data);
        }
    }

    private LoadReport measure(ServerProcess server, ServerProcess.Launch launch, Instant date) {
        long rssReady = server.rssBytes();
        int postgresProcesses = server.postgresProcesses();
        ServerMeter meter = new ServerMeter(server);
        Scenarios scenarios = new Scenarios(server.issuer(), server.gateway(), server.health(), server.clientSecret());
        int threads = settings.threads();
        Duration measured = Duration.ofSeconds(settings.seconds());

        List<Scenario> simple = List.of(scenarios.discovery(), scenarios.jwks(), scenarios.clientCredentials())
                .stream().filter(scenario -> settings.runs(scenario.name())).toList();
        for (Scenario scenario : simple) {
            warmUp(scenario);
        }
        if (settings.runs("refresh")) {
            warmUp(prepared(() -> scenarios.refresh(threads)));
        }
        List<CookieManager> providerSessions = settings.runs("code_exchange")
                ? prepared(() -> scenarios.providerSessions(threads)) : List.of();
        if (settings.runs("code_exchange") && settings.warmupSeconds() > 0) {
            progress.printf("Warming up code_exchange for %d s...%n", settings.warmupSeconds());
            codeExchange(scenarios, providerSessions, null, Duration.ofSeconds(settings.warmupSeconds()));
        }
        if (settings.runs("sign_in")) {
            warmUp(scenarios.signIn());
        }

        List<MeasuredScenario> results = new ArrayList<>();
        for (Scenario scenario : simple) {
            results.add(measure(meter, scenario, measured));
        }
        if (settings.runs("refresh")) {
            results.add(measure(meter, prepared(() -> scenarios.refresh(threads)), measured));
        }
        if (settings.runs("code_exchange")) {
            progress.printf("Measuring code_exchange for %d s with %d workers (codes issued between rounds)...%n",
                    settings.seconds(), threads);
            results.add(codeExchange(scenarios, providerSessions, meter, measured));
        }
        if (settings.runs("sign_in")) {
            results.add(measure(meter, scenarios.signIn(), measured));
        }

        if (settings.runs("api_echo")) {
            List<String> cookies = signIn(scenarios, settings.sessions());
            Scenario apiEcho = scenarios.apiEcho(cookies);
            warmUp(apiEcho);
            results.add(measure(meter, apiEcho, measured));
        }

        ServerMeter.Metered<Flood.Result> flood = null;
        if (settings.runs("flood")) {
            progress.printf("Flooding /token with %d workers as an unknown client for %d s...%n", settings.flood(),
                    settings.seconds());
            flood = meter.measure(() -> Flood.run(scenarios, settings.flood(), measured));
        }
        // read before the heap figure, whose full collections and JMX agent would change the JVM's memory
        long sampledPeak = Math.max(flood == null ? 0 : flood.cost().rssPeakBytes(), results.stream()
                .mapToLong(result -> result.cost().rssPeakBytes()).max().orElse(0));
        LoadReport.ServerMemory memory = new LoadReport.ServerMemory(rssReady, server.rssBytes(),
                Math.max(server.peakRssBytes(), sampledPeak));

        return new LoadReport(date, settings, launch.heap(), launch.jvmOptions(), server.startup(), memory,
                postgresProcesses, results,
                flood == null ? null : new LoadReport.FloodFigures(flood.result(), flood.cost()),
                settings.runs("memory") ? sessionMemory(scenarios, server)
                        : SessionMemory.notMeasured(settings.sessions(), "not in " + LoadSettings.ONLY));
    }

    private MeasuredScenario measure(ServerMeter meter, Scenario scenario, Duration duration) {
        progress.printf("Measuring %s for %d s with %d workers...%n", scenario.name(), duration.toSeconds(),
                settings.threads());
        ServerMeter.Metered<ScenarioResult> run = meter.measure(
                () -> ClosedLoop.run(scenario, settings.threads(), duration));
        return new MeasuredScenario(run.result(), run.cost());
    }

    /**
     * Rounds until {@code duration} of redemption has been measured: codes are issued (unmeasured: each signed-in
     * browser's {@code /authorize} answers with a code at once), then redeemed as fast as the workers can, measured.
     * A round holds about {@value #ROUND_NANOS} ns of redemptions at the last round's pace, so no code gets near its
     * 60 s lifetime. Without a meter (the warm-up), nothing is measured.
     */
    private MeasuredScenario codeExchange(Scenarios scenarios, List<CookieManager> browsers, ServerMeter meter,
            Duration duration) {
        List<ScenarioResult> rounds = new ArrayList<>();
        ServerCost cost = null;
        long measuredNanos = 0;
        long batch = (long) settings.threads() * CODES_PER_WORKER;
        while (measuredNanos < duration.toNanos()) {
            Queue<CodeFlowClient.IssuedCode> codes = new ConcurrentLinkedQueue<>();
            AtomicLong remaining = new AtomicLong(batch);
            ScenarioResult issued = ClosedLoop.runUntil(scenarios.issueCodes(browsers, codes, remaining),
                    settings.threads(), () -> remaining.get() <= 0);
            if (issued.errors() > 0) {
                throw new IllegalStateException("code_exchange: " + issued.errors() + " codes were not issued, "
                        + "first: " + issued.firstError().orElse("?"));
            }
            Scenario redeem = scenarios.codeExchange(codes);
            ScenarioResult round;
            if (meter == null) {
                round = ClosedLoop.runUntil(redeem, settings.threads(), () -> false);
            } else {
                ServerMeter.Metered<ScenarioResult> run = meter.measure(
                        () -> ClosedLoop.runUntil(redeem, settings.threads(), () -> false));
                round = run.result();
                cost = cost == null ? run.cost() : cost.then(run.cost());
            }
            if (round.operations() == 0) {
                throw new IllegalStateException("code_exchange does not work: "
                        + round.firstError().orElse("no code was redeemed"));
            }
            rounds.add(round);
            measuredNanos += round.elapsedNanos();
            batch = Math.max((long) settings.threads() * CODES_PER_WORKER,
                    (long) (round.throughput() * ROUND_NANOS / 1e9));
        }
        return new MeasuredScenario(ScenarioResult.combine(rounds), cost);
    }

    /**
     * The heap that {@code sessions} more sign-ins that stay signed in take: heap after full collections in the
     * server, over JMX, before and after them. Last, after every other figure: the collections let the JVM give
     * memory back, and the JMX agent stays in it. Empty, with the reason, when it cannot be measured (a server
     * that the flood left out of memory).
     */
    private SessionMemory sessionMemory(Scenarios scenarios, ServerProcess server) {
        progress.printf("Signing in %d more sessions and measuring the server's heap...%n", settings.sessions());
        try (ServerJmx jmx = ServerJmx.attach(server.pid())) {
            ActiveSessions sessionsBefore = ActiveSessions.now(jmx.connection());
            long before = HeapAfterGc.usedBytes(jmx.connection());
            signIn(scenarios, settings.sessions());
            long after = HeapAfterGc.usedBytes(jmx.connection());
            return new SessionMemory(settings.sessions(), before, after, sessionsBefore,
                    ActiveSessions.now(jmx.connection()), Optional.empty());
        } catch (RuntimeException e) {
            return SessionMemory.notMeasured(settings.sessions(), e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        }
    }

    /**
     * {@code count} sign-ins through the gateway that stay signed in: their gateway session cookies (each cookie jar
     * is dropped). Every sign-in is tried; any failure fails them all.
     */
    private List<String> signIn(Scenarios scenarios, int count) {
        List<String> cookies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger remaining = new AtomicInteger(count);
        Scenario signIns = new Scenario("sessions", "sign-in", () -> {
            if (remaining.getAndDecrement() <= 0) {
                throw new Scenario.Exhausted();
            }
            cookies.add(scenarios.signedInSession());
        });
        ScenarioResult run = ClosedLoop.runUntil(signIns, settings.threads(), () -> remaining.get() <= 0);
        if (run.errors() > 0) {
            throw new IllegalStateException(run.errors() + " of " + count + " sign-ins failed, first: "
                    + run.firstError().orElse("?"));
        }
        return List.copyOf(cookies);
    }

    private void warmUp(Scenario scenario) {
        if (settings.warmupSeconds() == 0) {
            return;
        }
        progress.printf("Warming up %s for %d s...%n", scenario.name(), settings.warmupSeconds());
        ScenarioResult warmUp = ClosedLoop.run(scenario, settings.threads(),
                Duration.ofSeconds(settings.warmupSeconds()));
        if (warmUp.operations() == 0) {
            throw new IllegalStateException(scenario.name() + " does not work: "
                    + warmUp.firstError().orElse("no operation completed"));
        }
    }

    /** Unmeasured preparation (sign-ins that set a scenario up). */
    private interface Preparation<T> {
        T prepare() throws Exception;
    }

    private static <T> T prepared(Preparation<T> preparation) {
        try {
            return preparation.prepare();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a scenario", e);
        } catch (Exception e) {
            throw new IllegalStateException("a scenario's preparation failed: " + e.getMessage(), e);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("echoid-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free now, for the server's connectors (the soak's too). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the server's data directory after a run (the soak's too). */
    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
