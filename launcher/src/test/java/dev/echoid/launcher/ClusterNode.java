package dev.echoid.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;

/**
 * One node of a cluster: embedded Tomcat serving one of the two WARs (the provider at {@code /identity} or the
 * gateway at {@code /}) with the given context parameters, in this JVM ({@link #start}) or in a JVM of its own
 * ({@link #spawn}), so that a test can kill it with SIGKILL.
 */
final class ClusterNode implements AutoCloseable {

    enum Kind {
        IDENTITY("identity.war", "/identity"), ECHO("echo.war", "");

        final String war;
        final String contextPath;

        Kind(String war, String contextPath) {
            this.war = war;
            this.contextPath = contextPath;
        }
    }

    /** The JVM of a spawned node: small, as on the shared 2-core machine the tests run on. */
    static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-Xms32m", "-XX:+UseSerialGC", "-Xss512k",
            "-XX:MaxMetaspaceSize=192m", "-XX:ReservedCodeCacheSize=64m", "-XX:TieredStopAtLevel=1");

    private final Tomcat tomcat;
    private final Process process;
    final Kind kind;
    final int port;
    final String name;

    private ClusterNode(String name, Kind kind, int port, Tomcat tomcat, Process process) {
        this.name = name;
        this.kind = kind;
        this.port = port;
        this.tomcat = tomcat;
        this.process = process;
    }

    /** The node in this JVM. */
    static ClusterNode start(String name, Kind kind, int port, Map<String, String> settings) {
        return new ClusterNode(name, kind, port, serve(kind, port, settings, RunningSystem.temporaryDirectory()), null);
    }

    /** The node in a JVM of its own; its output goes to {@code logDirectory/name.log}. Waits until it is ready. */
    static ClusterNode spawn(String name, Kind kind, int port, Map<String, String> settings, Path logDirectory)
            throws IOException {
        Path base = RunningSystem.temporaryDirectory();
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = base.resolve("settings.properties");
        try (var out = Files.newOutputStream(file)) {
            properties.store(out, "context parameters of " + name); // secrets: a private temporary directory
        }
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-Dechoid.webapps=" + webapps());
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(),
                kind.name(), Integer.toString(port), file.toString(), base.toString()));
        Files.createDirectories(logDirectory);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDirectory.resolve(name + ".log").toFile()).start();
        ClusterNode node = new ClusterNode(name, kind, port, null, process);
        node.awaitReady(Duration.ofSeconds(180));
        return node;
    }

    String base() {
        return "http://localhost:" + port + kind.contextPath;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL on Linux: no shutdown hook, no connector closing, no transaction finishing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create(base() + "/health/ready");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (see its log)");
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " not ready within " + timeout);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (tomcat != null) {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (LifecycleException e) {
                System.err.println(name + " did not stop cleanly: " + e.getMessage());
            }
        }
    }

    private static Path webapps() {
        return Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath();
    }

    private static Tomcat serve(Kind kind, int port, Map<String, String> settings, Path base) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.getServer().setPort(-1);
        tomcat.setHostname("localhost");
        tomcat.setPort(port);
        DevServer.bound(tomcat.getConnector(), kind == Kind.IDENTITY ? DevServer.IDENTITY_MAX_THREADS
                : DevServer.ECHO_MAX_THREADS);
        // idle connections outlive the proxy's client's (as a load balancer's upstream keep-alive is configured), so
        // a request never meets a connection the node is closing: the faults a test sees are its own
        tomcat.getConnector().setProperty("keepAliveTimeout", "600000");
        try {
            Files.createDirectories(base.resolve("webapps"));
            Context context = tomcat.addWebapp(kind.contextPath, webapps().resolve(kind.war).toString());
            settings.forEach(context::addParameter);
            tomcat.start();
            if (context.getState() != LifecycleState.STARTED) {
                throw new IllegalStateException(kind.war + " failed to start; the log above says why");
            }
            return tomcat;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code ClusterNode KIND PORT SETTINGS_FILE BASE_DIR}: serves until killed. */
    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Paths.get(args[2]))) {
            properties.load(in);
        }
        Map<String, String> settings = new java.util.HashMap<>();
        properties.forEach((k, v) -> settings.put(k.toString(), v.toString()));
        // a node outlives no test JVM, even one that was killed itself
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime()
                .halt(0)));
        serve(Kind.valueOf(args[0]), Integer.parseInt(args[1]), settings, Paths.get(args[3]));
        System.out.println("READY " + ProcessHandle.current().pid());
        new CountDownLatch(1).await();
    }
}
