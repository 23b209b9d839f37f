package dev.echoid.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * The whole system on a developer's machine: an embedded PostgreSQL (or the one {@code IDENTITY_DB_URL} names) and
 * embedded Tomcat serving identity-war at {@code :9000/identity} and echo-war at {@code :5000/}, each configured
 * through its context parameters exactly as a Tomcat {@code context.xml} would.
 *
 * <p>Development only: it prints the demo credentials and runs with {@code *_DEV_MODE=true} (plain HTTP).
 */
public final class DevServer implements AutoCloseable {

    public static final String DEMO_USER = "demo";
    public static final String DEMO_PASSWORD = "demo-password";
    public static final String CLIENT_ID = "echo";
    /** The port of the provider's connector for health probes only (identity-war's setting of that name). */
    public static final String HEALTH_PORT = "IDENTITY_HEALTH_PORT";

    /**
     * Where and how to run; {@link #fromEnvironment()} gives the documented defaults.
     *
     * @param settings more context parameters for both web applications (they win over the launcher's defaults)
     */
    public record Options(String host, int identityPort, int echoPort, Path dataDirectory, Path webapps,
            Optional<String> databaseUrl, Optional<String> databaseUser, Optional<String> databasePassword,
            Map<String, String> settings) {

        public Options {
            settings = Map.copyOf(settings);
        }

        public static Options fromEnvironment() {
            return new Options(
                    setting("ECHOID_HOST").orElse("localhost"),
                    setting("IDENTITY_PORT").map(Integer::parseInt).orElse(9000),
                    setting("ECHO_PORT").map(Integer::parseInt).orElse(5000),
                    Paths.get(setting("ECHOID_DATA_DIR").orElse(".echoid-dev")).toAbsolutePath(),
                    Paths.get(setting("echoid.webapps").orElse("launcher/target/webapps")).toAbsolutePath(),
                    setting("IDENTITY_DB_URL"),
                    setting("IDENTITY_DB_USER"),
                    setting("IDENTITY_DB_PASSWORD"),
                    Map.of(HEALTH_PORT, setting(HEALTH_PORT).orElse("9001")));
        }

        public String issuer() {
            return "http://" + host + ":" + identityPort + "/identity";
        }

        public String gateway() {
            return "http://" + host + ":" + echoPort;
        }

        /** The provider as its health port shows it ({@value #HEALTH_PORT} in the settings), when it has one. */
        public Optional<String> healthBase() {
            return Optional.ofNullable(settings.get(HEALTH_PORT)).map(port -> "http://" + host + ":" + port
                    + "/identity");
        }

        private static Optional<String> setting(String name) {
            String value = System.getProperty(name, System.getenv(name));
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }
    }

    /** IDENTITY_KEY_ENCRYPTION_KEY and IDENTITY_AUDIT_KEY of the dev system, in the data directory. */
    static final String KEY_ENCRYPTION_KEY_FILE = "identity-key-encryption-key";
    static final String AUDIT_KEY_FILE = "identity-audit-key";

    private final Options options;
    /** Request threads of the provider's connector: enough for the hashing budget plus every fast request. */
    static final int IDENTITY_MAX_THREADS = 64;
    /** Request threads of the provider's health connector. */
    static final int HEALTH_MAX_THREADS = 4;
    /** Request threads of the gateway's connector. */
    static final int ECHO_MAX_THREADS = 32;
    /** Connections each connector keeps open; more wait in the accept queue, then are refused by the kernel. */
    static final int MAX_CONNECTIONS = 1024;
    static final int ACCEPT_COUNT = 128;
    /** The {@code connectionTimeout} of docs/deploy-tomcat.md's connectors. */
    static final int CONNECTION_TIMEOUT_MILLIS = 20_000;
    /** Bytes of a form body the container parses (Faces login, the gateway's back-channel logout). */
    static final int MAX_POST_SIZE = 64 * 1024;

    private EmbeddedPostgres postgres;
    private Tomcat tomcat;
    private String clientSecret;

    private DevServer(Options options) {
        this.options = options;
    }

    public static DevServer start(Options options) {
        DevServer server = new DevServer(options);
        try {
            server.startAll();
            return server;
        } catch (RuntimeException | IOException | LifecycleException e) {
            server.close();
            throw new IllegalStateException("The dev server did not start: " + e.getMessage(), e);
        }
    }

    public Options options() {
        return options;
    }

    /** The gateway's client secret (generated once and kept in the data directory). */
    public String clientSecret() {
        return clientSecret;
    }

    private void startAll() throws IOException, LifecycleException {
        Files.createDirectories(options.dataDirectory());
        clientSecret = readOrCreateSecret(options.dataDirectory().resolve("echo-client-secret"),
                Base64.getUrlEncoder().withoutPadding());
        // secrets at rest, as outside dev mode: generated once, kept beside the data they protect, never in git
        String keyEncryptionKey = readOrCreateSecret(options.dataDirectory().resolve(KEY_ENCRYPTION_KEY_FILE),
                Base64.getEncoder());
        String auditKey = readOrCreateSecret(options.dataDirectory().resolve(AUDIT_KEY_FILE), Base64.getEncoder());
        // the HMAC key of client secrets (32 random bytes, base64url), generated once like the gateway's secret
        String clientSecretKey = readOrCreateSecret(options.dataDirectory().resolve("client-secret-key"),
                Base64.getUrlEncoder().withoutPadding());

        Map<String, String> database = new LinkedHashMap<>();
        if (options.databaseUrl().isPresent()) {
            database.put("IDENTITY_DB_URL", options.databaseUrl().get());
            options.databaseUser().ifPresent(user -> database.put("IDENTITY_DB_USER", user));
            options.databasePassword().ifPresent(password -> database.put("IDENTITY_DB_PASSWORD", password));
        } else {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(options.dataDirectory().resolve("pgdata"))
                    .setCleanDataDirectory(false)
                    .start();
            database.put("IDENTITY_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
            database.put("IDENTITY_DB_USER", "postgres");
            database.put("IDENTITY_DB_PASSWORD", "postgres");
        }

        Path base = Files.createDirectories(options.dataDirectory().resolve("tomcat"));
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.getServer().setPort(-1); // no shutdown port: Ctrl-C (the shutdown hook) stops it
        tomcat.setHostname(options.host());
        tomcat.setPort(options.identityPort());
        bound(tomcat.getConnector(), IDENTITY_MAX_THREADS);
        Optional<String> healthPort = Optional.ofNullable(options.settings().get(HEALTH_PORT));
        if (healthPort.isPresent()) {
            tomcat.getService().addConnector(healthConnector(Integer.parseInt(healthPort.get())));
        }
        quietErrorPages(tomcat.getHost());
        Files.createDirectories(base.resolve("webapps"));

        Context identity = tomcat.addWebapp("/identity", war("identity.war"));
        Map<String, String> identitySettings = new LinkedHashMap<>(database);
        identitySettings.put("IDENTITY_ISSUER", options.issuer());
        identitySettings.put("IDENTITY_DEV_MODE", "true");
        identitySettings.put("IDENTITY_CLIENT_SECRET_KEY", clientSecretKey);
        identitySettings.put("IDENTITY_BOOTSTRAP_USER", DEMO_USER);
        identitySettings.put("IDENTITY_BOOTSTRAP_PASSWORD", DEMO_PASSWORD);
        identitySettings.put("IDENTITY_BOOTSTRAP_CLIENT_ID", CLIENT_ID);
        identitySettings.put("IDENTITY_BOOTSTRAP_CLIENT_SECRET", clientSecret);
        identitySettings.put("IDENTITY_BOOTSTRAP_REDIRECT_URIS", options.gateway() + "/callback");
        identitySettings.put("IDENTITY_BOOTSTRAP_POST_LOGOUT_REDIRECT_URIS", options.gateway() + "/signed-out");
        identitySettings.put("IDENTITY_BOOTSTRAP_BACKCHANNEL_LOGOUT_URI", options.gateway() + "/backchannel-logout");
        // the gateway is the operator's own client: offline_access without a consent page (OIDC Core §11)
        identitySettings.put("IDENTITY_BOOTSTRAP_FIRST_PARTY", "true");
        identitySettings.put("IDENTITY_KEY_ENCRYPTION_KEY", keyEncryptionKey);
        identitySettings.put("IDENTITY_AUDIT_KEY", auditKey);
        identitySettings.putAll(options.settings());
        identitySettings.forEach(identity::addParameter);

        StandardHost echoHost = addGatewayService(base);
        Context echo = tomcat.addWebapp(echoHost, "", war("echo.war"));
        Map<String, String> echoSettings = new LinkedHashMap<>();
        echoSettings.put("ECHO_ISSUER", options.issuer());
        echoSettings.put("ECHO_CLIENT_ID", CLIENT_ID);
        echoSettings.put("ECHO_CLIENT_SECRET", clientSecret);
        echoSettings.put("ECHO_REDIRECT_URI", options.gateway() + "/callback");
        echoSettings.put("ECHO_DEV_MODE", "true");
        echoSettings.putAll(options.settings());
        echoSettings.forEach(echo::addParameter);

        tomcat.start();
        for (Context context : new Context[] {identity, echo}) {
            if (context.getState() != LifecycleState.STARTED) {
                throw new IllegalStateException("Web application '" + context.getName()
                        + "' failed to start; the log above says why");
            }
        }
    }

    /** A second service, engine and host, so the gateway has its own port as it would in production. */
    private StandardHost addGatewayService(Path base) throws IOException {
        StandardService service = new StandardService();
        service.setName("echo");
        Connector connector = new Connector();
        connector.setPort(options.echoPort());
        bound(connector, ECHO_MAX_THREADS);
        service.addConnector(connector);
        StandardEngine engine = new StandardEngine();
        engine.setName("echo");
        engine.setDefaultHost(options.host());
        StandardHost host = new StandardHost();
        host.setName(options.host());
        host.setAppBase(Files.createDirectories(base.resolve("webapps-echo")).toString());
        quietErrorPages(host);
        engine.addChild(host);
        service.setContainer(engine);
        tomcat.getServer().addService(service);
        return host;
    }

    /**
     * Tomcat's own error pages (a request line or header too long, a bad header character, a malformed URI: answered
     * before any web application runs) without the stack trace and the server's name and version, as
     * {@code docs/deploy-tomcat.md} asks of a standalone Tomcat. The host uses this valve instead of adding
     * its default one.
     */
    private static void quietErrorPages(Host host) {
        ErrorReportValve valve = new ErrorReportValve();
        valve.setShowReport(false);
        valve.setShowServerInfo(false);
        host.getPipeline().addValve(valve);
    }

    /**
     * The connector's share of the memory bound (see docs/deploy-tomcat.md, the same values): a fixed
     * pool of request threads, a bounded accept queue and connection count, and no form body over 64 KiB parsed
     * or more than that swallowed after a refusal.
     */
    static void bound(Connector connector, int maxThreads) {
        connector.setProperty("maxThreads", Integer.toString(maxThreads));
        connector.setProperty("minSpareThreads", "4");
        connector.setProperty("acceptCount", Integer.toString(ACCEPT_COUNT));
        connector.setProperty("maxConnections", Integer.toString(MAX_CONNECTIONS));
        // a client's connection serves 1000 requests before Tomcat closes it, not 100: fewer reconnections
        connector.setProperty("maxKeepAliveRequests", "1000");
        // 20 s to send a request (and, as keepAliveTimeout is unset, to keep an idle connection), not the embedded
        // default of 60 s: an idle client holds one of maxConnections a third as long
        connector.setProperty("connectionTimeout", Integer.toString(CONNECTION_TIMEOUT_MILLIS));
        connector.setMaxPostSize(MAX_POST_SIZE);
        connector.setProperty("maxSwallowSize", Integer.toString(MAX_POST_SIZE));
    }

    /**
     * The health probes' own connector: its own few threads and connections, so that a flood of requests occupying
     * every thread of the main connector cannot make a probe wait (the provider answers only the probes on this
     * port: {@code IDENTITY_HEALTH_PORT}). Kept small: probes are one request per orchestrator every few seconds.
     */
    static Connector healthConnector(int port) {
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("maxThreads", Integer.toString(HEALTH_MAX_THREADS));
        connector.setProperty("minSpareThreads", "1");
        connector.setProperty("acceptCount", "16");
        connector.setProperty("maxConnections", "32");
        connector.setProperty("connectionTimeout", Integer.toString(CONNECTION_TIMEOUT_MILLIS));
        connector.setMaxPostSize(MAX_POST_SIZE);
        connector.setProperty("maxSwallowSize", Integer.toString(MAX_POST_SIZE));
        return connector;
    }

    private String war(String name) {
        Path war = options.webapps().resolve(name);
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing: build first (see README: the run command)");
        }
        return war.toString();
    }

    private static String readOrCreateSecret(Path file, Base64.Encoder encoding) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String secret = encoding.encodeToString(bytes);
        Files.writeString(file, secret, StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file stays readable by its owner's account only by default
        }
        return secret;
    }

    @Override
    public void close() {
        if (tomcat != null) {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (LifecycleException e) {
                System.err.println("Tomcat did not stop cleanly: " + e.getMessage());
            }
            tomcat = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = null;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Options options = Options.fromEnvironment();
        DevServer server = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping EchoID...");
            server.close();
            stopped.countDown();
        }, "echoid-shutdown"));
        System.out.println(banner(options));
        stopped.await();
    }

    private static String banner(Options options) {
        return """

                ==================================================================
                 EchoID is running (development mode: plain HTTP, demo data)

                 Gateway (Echo API):  %s/
                 Echo API (JSON):     %s/api/echo
                 Identity provider:   %s
                 Discovery:           %s/.well-known/openid-configuration
                 Health probes:       %s/health/ready

                 Demo user:           %s / %s
                 Gateway client:      %s (secret in %s)
                 Provider keys:       %s, %s
                 Database:            %s
                 Press Ctrl-C to stop.
                ==================================================================
                """.formatted(options.gateway(), options.gateway(), options.issuer(), options.issuer(),
                options.healthBase().orElse(options.issuer()), DEMO_USER, DEMO_PASSWORD, CLIENT_ID, options.dataDirectory().resolve("echo-client-secret"),
                options.dataDirectory().resolve(KEY_ENCRYPTION_KEY_FILE),
                options.dataDirectory().resolve(AUDIT_KEY_FILE),
                options.databaseUrl().map(url -> "external, " + url)
                        .orElse("embedded PostgreSQL, data in " + options.dataDirectory().resolve("pgdata")));
    }
}
