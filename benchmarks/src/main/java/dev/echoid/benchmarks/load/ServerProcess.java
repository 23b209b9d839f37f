package dev.echoid.benchmarks.load;

import dev.echoid.launcher.DevServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The whole system in its own JVM, as an operator runs it: the launcher's {@link DevServer} (embedded PostgreSQL
 * and Tomcat with both WARs as they ship) started with {@code java -Xmx...} on free ports and a data directory of
 * its own, its output in a log file. The driver reads its processes' CPU and memory from {@code /proc}.
 */
final class ServerProcess implements AutoCloseable {

    /** The launcher's bootstrap client (the gateway's) is also allowed client_credentials, for that scenario. */
    static final Map<String, String> PROVIDER_SETTINGS = Map.of(
            "IDENTITY_BOOTSTRAP_GRANT_TYPES", "authorization_code refresh_token client_credentials");

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * How to start it.
     *
     * @param classpath     the launcher's runtime class path (not the driver's: no JMH, no copies of the WARs' classes)
     * @param heap          the server JVM's {@code -Xmx}
     * @param jvmOptions    more options for the server JVM, e.g. {@code -XX:+UseSerialGC}; may be empty
     * @param loggingConfig the server's {@code java.util.logging} configuration
     */
    record Launch(Path webapps, String classpath, String heap, List<String> jvmOptions, Path loggingConfig) {

        Launch {
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    /** CPU time in clock ticks: the server JVM's, and the embedded PostgreSQL cluster's (every process of it). */
    record CpuTicks(long jvm, long postgres) {

        CpuTicks minus(CpuTicks earlier) {
            return new CpuTicks(jvm - earlier.jvm, postgres - earlier.postgres);
        }
    }

    private final Process process;
    private final Path data;
    private final Path log;
    private final String issuer;
    private final String gateway;
    private final String health;
    private final String clientSecret;
    private Duration startup;
    private long postmaster;

    private ServerProcess(Process process, Path data, Path log, String issuer, String gateway, String health,
            String clientSecret) {
        this.process = process;
        this.data = data;
        this.log = log;
        this.issuer = issuer;
        this.gateway = gateway;
        this.health = health;
        this.clientSecret = clientSecret;
    }

    /** Starts it with its data in {@code data} (which must be empty) and waits until both WARs answer ready. */
    static ServerProcess start(Launch launch, Path data, int identityPort, int echoPort, int healthPort) {
        long starting = System.nanoTime();
        String secret = newClientSecret();
        String host = "localhost";
        try {
            // DevServer keeps the gateway's client secret in this file and generates it when it is missing
            Files.writeString(data.resolve("echo-client-secret"), secret, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + launch.heap());
        command.addAll(launch.jvmOptions());
        command.add("-Djava.util.logging.config.file=" + launch.loggingConfig());
        // DevServer.Options.fromEnvironment() and both WARs' settings read system properties by the same names
        command.add("-Dechoid.webapps=" + launch.webapps());
        command.add("-DECHOID_HOST=" + host);
        command.add("-DIDENTITY_PORT=" + identityPort);
        command.add("-DECHO_PORT=" + echoPort);
        // the provider's health connector, which the probes of the flood scenario use (README: Operations, Health)
        command.add("-DIDENTITY_HEALTH_PORT=" + healthPort);
        command.add("-DECHOID_DATA_DIR=" + data);
        PROVIDER_SETTINGS.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-classpath");
        command.add(launch.classpath());
        command.add(DevServer.class.getName());
        Path log = data.resolveSibling(data.getFileName() + "-server.log");
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // as the launcher starts it (launcher/pom.xml): glibc's malloc arenas bounded
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        ServerProcess server = new ServerProcess(process, data, log, "http://" + host + ":" + identityPort
                + "/identity", "http://" + host + ":" + echoPort, "http://" + host + ":" + healthPort + "/identity",
                secret);
        try {
            server.awaitReady();
            server.postmaster = server.readPostmasterPid();
            server.startup = Duration.ofNanos(System.nanoTime() - starting);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    long postmasterPid() {
        return postmaster;
    }

    String issuer() {
        return issuer;
    }

    String gateway() {
        return gateway;
    }

    /** The provider as its health port shows it: only the probes answer there. */
    String health() {
        return health;
    }

    String clientSecret() {
        return clientSecret;
    }

    Duration startup() {
        return startup;
    }

    Path log() {
        return log;
    }

    /**
     * The server JVM's CPU, and the PostgreSQL cluster's: the postmaster with its reaped children (a backend that
     * exited is folded into the postmaster's cutime/cstime when it is reaped) and every child alive now. The
     * postmaster is read first: a backend that exits between the two reads is missing from this sample (never
     * counted twice) and is in the next one.
     */
    CpuTicks cpu() {
        long jvm = ProcFs.stat(pid()).map(ProcFs.Stat::totalTicks).orElse(0L);
        long postgres = ProcFs.stat(postmaster).map(ProcFs.Stat::totalTicks).orElse(0L);
        for (ProcFs.Stat child : ProcFs.children(postmaster)) {
            postgres += child.totalTicks();
        }
        return new CpuTicks(jvm, postgres);
    }

    /** The server JVM's resident memory now ({@code VmRSS}). */
    long rssBytes() {
        return ProcFs.statusBytes(pid(), "VmRSS").orElse(0L);
    }

    /** The server JVM's highest resident memory since it started ({@code VmHWM}). */
    long peakRssBytes() {
        return ProcFs.statusBytes(pid(), "VmHWM").orElse(0L);
    }

    /** The embedded PostgreSQL's port: the fourth line of {@code postmaster.pid} (the soak counts rows there). */
    int postgresPort() {
        Path file = data.resolve("pgdata").resolve("postmaster.pid");
        try {
            return Integer.parseInt(Files.readAllLines(file, StandardCharsets.US_ASCII).get(3).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read PostgreSQL's port from " + file, e);
        }
    }

    /** PostgreSQL's processes now: the postmaster and its children. */
    int postgresProcesses() {
        return 1 + ProcFs.children(postmaster).size();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        List<URI> probes = List.of(URI.create(issuer + "/health/ready"), URI.create(gateway + "/health/ready"));
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + " while starting; "
                        + "its output: " + log + "\n" + tail());
            }
            if (probes.stream().allMatch(probe -> answers200(http, probe))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server was not ready after " + START_TIMEOUT.toSeconds()
                        + " s; its output: " + log + "\n" + tail());
            }
            sleep(250);
        }
    }

    private static boolean answers200(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the server was starting", e);
        }
    }

    /** PostgreSQL writes its postmaster's PID on the first line of {@code postmaster.pid} in its data directory. */
    private long readPostmasterPid() {
        Path file = data.resolve("pgdata").resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(file, StandardCharsets.US_ASCII).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read PostgreSQL's PID from " + file, e);
        }
    }

    /** The last lines of the server's output, for an error message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM: DevServer's shutdown hook stops Tomcat and PostgreSQL; forcibly after a minute. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the postmaster is not the JVM's child (pg_ctl detaches it): stop it if the shutdown hook could not
        if (postmaster > 0) {
            Optional<ProcessHandle> left = ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)
                    // the PID is PostgreSQL's still, not a process that reused the number
                    .filter(handle -> handle.info().command().filter(command -> command.endsWith("/postgres"))
                            .isPresent());
            left.ifPresent(ProcessHandle::destroy);
            left.ifPresent(handle -> handle.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(timeout -> handle).join());
        }
    }

    private static String newClientSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the server was starting", e);
        }
    }
}
