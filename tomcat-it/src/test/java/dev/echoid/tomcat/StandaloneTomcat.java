package dev.echoid.tomcat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A standalone Tomcat set up as {@code docs/deploy-tomcat.md} tells an operator: the distribution unpacked
 * as {@code $CATALINA_HOME} with the PostgreSQL driver in {@code lib/}, and a {@code $CATALINA_BASE} holding
 * {@code bin/setenv.sh}, {@code conf/Catalina/localhost/identity.xml} (a copy of {@code context.xml}) and the two
 * WARs in {@code webapps/} (the build puts them there, see {@code pom.xml}). It is started with {@code bin/catalina.sh run}, and every setting
 * reaches it as an environment variable, as it would from systemd: nothing is passed as a system property.
 * A real PostgreSQL (embedded binaries) is started first.
 *
 * <p>This is the guide word for word, including {@code catalina.sh} sourcing {@code setenv.sh} and Tomcat deploying
 * both files of {@code webapps/} at start-up. ManagedTomcatIT covers the other way in, Arquillian's managed adapter
 * deploying through the manager; {@link ManagedTomcatBase} lists what that adapter does differently.
 */
public final class StandaloneTomcat implements BeforeAllCallback, AfterAllCallback {

    private static final String CLIENT_SECRET = "echo-secret-for-tests-only-0123456789";

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private final Path home = Path.of(System.getProperty("echoid.catalina.home"));
    private final Path base;
    private final boolean withSetenv;
    private EmbeddedPostgres postgres;
    private Process process;
    private int port;

    /** The guide's Tomcat. */
    public StandaloneTomcat() {
        this(Path.of(System.getProperty("echoid.catalina.base")), true);
    }

    private StandaloneTomcat(Path base, boolean withSetenv) {
        this.base = base;
        this.withSetenv = withSetenv;
    }

    /**
     * The guide's Tomcat with one step missed: no {@code bin/setenv.sh}, so {@code identity.xml}'s {@code ${...}}
     * stay unresolved. Its own {@code $CATALINA_BASE} (a copy), so that it can run after the other.
     */
    public static StandaloneTomcat withoutSetenv() {
        Path guide = Path.of(System.getProperty("echoid.catalina.base"));
        return new StandaloneTomcat(guide.resolveSibling(guide.getFileName() + "-without-setenv"), false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        port = freePort();
        if (!withSetenv) {
            copyGuideBaseWithoutSetenv();
        }
        prepareBase();

        ProcessBuilder builder = new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run")
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(console().toFile());
        Map<String, String> environment = builder.environment();
        // only what this test gives: no setting leaks in from the developer's shell or CI
        environment.keySet().removeIf(name -> name.startsWith("IDENTITY_") || name.startsWith("ECHO_")
                || name.startsWith("CATALINA_") || name.startsWith("JAVA_") || name.equals("JRE_HOME"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("CATALINA_HOME", home.toString());
        environment.put("CATALINA_BASE", base.toString());
        environment.putAll(settings());
        process = builder.start();
        awaitStarted();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy(); // catalina.sh run execs java: SIGTERM runs Tomcat's shutdown hook
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    public String gateway() {
        return "http://localhost:" + port;
    }

    public String issuer() {
        return gateway() + "/identity";
    }

    /** Everything Tomcat and the two web applications wrote to stdout and stderr (including the JUL console log). */
    public String consoleLog() {
        try {
            return Files.readString(console(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings, as docs/configuration.md name them; the database only for identity.xml. */
    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("IDENTITY_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
        settings.put("IDENTITY_DB_USER", "postgres");
        settings.put("IDENTITY_DB_PASSWORD", "postgres");
        settings.put("IDENTITY_ISSUER", issuer());
        settings.put("IDENTITY_DEV_MODE", "true");
        // the two keys of secrets at rest, from the environment as setenv.sh says (random here, never committed)
        settings.put("IDENTITY_KEY_ENCRYPTION_KEY", keyEncryptionKey);
        settings.put("IDENTITY_AUDIT_KEY", auditKey);
        settings.put("IDENTITY_BOOTSTRAP_USER", TomcatChecks.USER);
        settings.put("IDENTITY_BOOTSTRAP_PASSWORD", TomcatChecks.PASSWORD);
        settings.put("IDENTITY_BOOTSTRAP_CLIENT_ID", TomcatChecks.CLIENT_ID);
        settings.put("IDENTITY_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET);
        // as in production: the HMAC key of client secrets, made for this run
        settings.put("IDENTITY_CLIENT_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(
                new java.security.SecureRandom().generateSeed(32)));
        settings.put("IDENTITY_BOOTSTRAP_REDIRECT_URIS", gateway() + "/callback");
        settings.put("IDENTITY_BOOTSTRAP_POST_LOGOUT_REDIRECT_URIS", gateway() + "/signed-out");
        settings.put("ECHO_ISSUER", issuer());
        settings.put("ECHO_CLIENT_ID", TomcatChecks.CLIENT_ID);
        settings.put("ECHO_CLIENT_SECRET", CLIENT_SECRET);
        settings.put("ECHO_REDIRECT_URI", gateway() + "/callback");
        settings.put("ECHO_DEV_MODE", "true");
        return settings;
    }

    private final String keyEncryptionKey = randomKey();
    private final String auditKey = randomKey();

    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    /** A fresh start: no expanded WARs, compiled pages or logs from an earlier run; our own HTTP port. */
    private void prepareBase() throws IOException {
        for (String stale : List.of("webapps/identity", "webapps/ROOT", "work", "logs", "temp")) {
            deleteTree(base.resolve(stale));
        }
        for (String dir : List.of("logs", "temp", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String war : withSetenv ? List.of("webapps/identity.war", "webapps/ROOT.war", "bin/setenv.sh")
                : List.of("webapps/identity.war")) {
            if (!Files.isRegularFile(base.resolve(war))) {
                throw new IllegalStateException(base.resolve(war) + " is missing: run through Maven (mvn verify)");
            }
        }
        // guide step 3: context.xml becomes the context file of /identity
        Path descriptor = base.resolve("conf/Catalina/localhost/identity.xml");
        Files.createDirectories(descriptor.getParent());
        Files.copy(Path.of(System.getProperty("echoid.server-config"), "context.xml"), descriptor,
                StandardCopyOption.REPLACE_EXISTING);
        // the distribution's ports would clash with other builds on this machine; no shutdown port (SIGTERM stops it)
        Files.writeString(base.resolve("conf/server.xml"), distributionServerXml(home, port), StandardCharsets.UTF_8);
    }

    /**
     * The distribution's {@code conf/server.xml} with our HTTP port and no shutdown port, and with the guide's
     * {@code error-report-valve.xml} inside its {@code <Host>} (the guide's "server.xml" section). Read from
     * {@code $CATALINA_HOME} each time: an earlier run, or another test, rewrote the copy in a base.
     */
    static String distributionServerXml(Path home, int httpPort) throws IOException {
        String server = Files.readString(home.resolve("conf/server.xml"), StandardCharsets.UTF_8);
        String ours = server.replace("port=\"8005\"", "port=\"-1\"")
                .replace("port=\"8080\"", "port=\"" + httpPort + "\"");
        if (ours.contains("port=\"8080\"") || ours.contains("port=\"8005\"") || !ours.contains("port=\"-1\"")) {
            throw new IllegalStateException("conf/server.xml no longer has the ports 8005 and 8080 to replace");
        }
        int host = ours.indexOf("<Host name=\"localhost\"");
        int hostEnd = host < 0 ? -1 : ours.indexOf('>', host);
        if (hostEnd < 0) {
            throw new IllegalStateException("conf/server.xml no longer has <Host name=\"localhost\">");
        }
        String valve = Files.readString(Path.of(System.getProperty("echoid.server-config"), "error-report-valve.xml"),
                StandardCharsets.UTF_8);
        return ours.substring(0, hostEnd + 1) + "\n" + valve + ours.substring(hostEnd + 1);
    }

    private void copyGuideBaseWithoutSetenv() throws IOException {
        Path guide = Path.of(System.getProperty("echoid.catalina.base"));
        deleteTree(base);
        try (Stream<Path> paths = Files.walk(guide.resolve("conf"))) {
            for (Path from : paths.toList()) {
                Path to = base.resolve(guide.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        Files.createDirectories(base.resolve("webapps"));
        Files.copy(guide.resolve("webapps/identity.war"), base.resolve("webapps/identity.war"));
    }

    private void awaitStarted() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create(issuer() + "/health/live");
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Tomcat exited with " + process.exitValue() + ":\n" + consoleLog());
            }
            try {
                // the connector opens only after every web application has been deployed (or failed to)
                http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("Tomcat did not open port " + port + " within " + STARTUP_TIMEOUT + ":\n"
                + consoleLog());
    }

    private Path console() {
        return base.resolve("logs/console.log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
