package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Starts the whole system (DevServer: embedded PostgreSQL and Tomcat with both WARs) on free ports and a temporary
 * data directory, and measures it under load: discovery and JWKS as a baseline, {@code client_credentials} token
 * requests, complete sign-ins through the gateway, and signed-in {@code /api/echo} calls. Also the heap that
 * signed-in sessions take. Prints a table; asserts nothing about speed.
 *
 * <p>{@code java -Dbench.seconds=20 -Dbench.threads=4 ... dev.echoid.benchmarks.load.LoadDriver}; see README,
 * "Benchmarks", for the Maven command.
 */
public final class LoadDriver {

    /** The launcher's bootstrap client (the gateway's) is also allowed client_credentials, for that scenario. */
    static final Map<String, String> PROVIDER_SETTINGS = Map.of(
            "IDENTITY_BOOTSTRAP_GRANT_TYPES", "authorization_code refresh_token client_credentials");

    private final LoadSettings settings;
    private final PrintStream progress;

    public LoadDriver(LoadSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public static void main(String[] args) {
        LoadSettings settings = LoadSettings.fromSystemProperties();
        Path webapps = Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath();
        LoadReport report = new LoadDriver(settings, System.err).run(webapps);
        System.out.println(report.format());
    }

    /** Starts the system from the WARs in {@code webapps}, runs every scenario, stops it and deletes its data. */
    public LoadReport run(Path webapps) {
        Path data = temporaryDirectory();
        Instant date = Instant.now();
        long starting = System.nanoTime();
        progress.println("Starting EchoID (data in " + data + ")...");
        DevServer server = null;
        try {
            server = DevServer.start(new DevServer.Options("localhost", freePort(), freePort(), data, webapps,
                    Optional.empty(), Optional.empty(), Optional.empty(), PROVIDER_SETTINGS));
            Duration startup = Duration.ofNanos(System.nanoTime() - starting);
            return measure(server, date, startup);
        } finally {
            if (server != null) {
                server.close();
            }
            deleteTree(data);
        }
    }

    private LoadReport measure(DevServer server, Instant date, Duration startup) {
        Scenarios scenarios = new Scenarios(server);
        List<Scenario> anonymous = List.of(scenarios.discovery(), scenarios.jwks(), scenarios.clientCredentials(),
                scenarios.signIn());
        for (Scenario scenario : anonymous) {
            warmUp(scenario);
        }

        SignedInSessions sessions = signInSessions(scenarios);
        Scenario apiEcho = scenarios.apiEcho(sessions.cookies());
        warmUp(apiEcho);

        List<Scenario> all = new ArrayList<>(anonymous);
        all.add(apiEcho);
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario scenario : all) {
            progress.printf("Measuring %s for %d s with %d workers...%n", scenario.name(), settings.seconds(),
                    settings.threads());
            results.add(ClosedLoop.run(scenario, settings.threads(), Duration.ofSeconds(settings.seconds())));
        }
        return new LoadReport(date, settings, startup, results, sessions.memory());
    }

    /** The gateway session cookies of the sign-ins, and the heap they took. */
    private record SignedInSessions(List<String> cookies, SessionMemory memory) {
    }

    /**
     * Heap after full collections, before and after {@code sessions} sign-ins that stay signed in (each cookie jar is
     * dropped, only the gateway session's cookie is kept).
     */
    private SignedInSessions signInSessions(Scenarios scenarios) {
        progress.printf("Signing in %d sessions and measuring the heap...%n", settings.sessions());
        ActiveSessions sessionsBefore = ActiveSessions.now();
        long before = HeapAfterGc.usedBytes();
        List<String> cookies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger remaining = new AtomicInteger(settings.sessions());
        Scenario signIns = new Scenario("sessions", "sign-in", () -> {
            if (remaining.getAndDecrement() > 0) {
                cookies.add(scenarios.signedInSession());
            }
        });
        // until every sign-in has been tried; the figure means nothing if any failed
        ScenarioResult run = ClosedLoop.runUntil(signIns, settings.threads(), () -> remaining.get() <= 0);
        if (run.errors() > 0) {
            throw new IllegalStateException(run.errors() + " of " + settings.sessions() + " sign-ins failed, first: "
                    + run.firstError().orElse("?"));
        }
        long after = HeapAfterGc.usedBytes();
        return new SignedInSessions(List.copyOf(cookies),
                new SessionMemory(settings.sessions(), before, after, sessionsBefore, ActiveSessions.now()));
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

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("echoid-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
