package dev.echoid.tomcat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code $CATALINA_BASE} that Arquillian's managed Tomcat adapter starts ({@code arquillian.xml}), laid out from
 * {@code server-config/tomcat/} before Arquillian starts Tomcat; register it before ArquillianExtension.
 *
 * <p>What the adapter does differently from {@code catalina.sh}, and how this class makes up for it:
 * <ul>
 *   <li>It starts {@code org.apache.catalina.startup.Bootstrap} with {@code java} directly, so {@code setenv.sh} is
 *       never sourced. This class sources the guide's {@code setenv.sh} with {@code /bin/sh} and hands the
 *       {@code CATALINA_OPTS} it builds to the adapter's {@code javaVmArguments}: Tomcat runs with the options the
 *       guide gives it, whatever they become.</li>
 *   <li>It deploys by uploading each WAR to the manager ({@code /manager/text/deploy?path=/identity}), so the
 *       manager must run: {@code conf/Catalina/localhost/manager.xml} points at the distribution's manager and
 *       {@code conf/tomcat-users.xml} holds a {@code manager-script} user with a password made up for this run.</li>
 *   <li>The manager refuses a path that already has a context, and Tomcat makes one at start-up from any
 *       {@code conf/Catalina/localhost/identity.xml} (a broken one, with no WAR yet). So {@link #installDescriptor()}
 *       copies {@code identity.xml} in once Tomcat runs ({@link ContextDescriptorExtension}) and before Arquillian
 *       uploads {@code identity.war}: the manager's deployment then finds the descriptor
 *       ({@code HostConfig.deployApps} looks for {@code conf/Catalina/localhost/identity.xml} before the WAR), and
 *       the data source comes from it. The host's {@code autoDeploy} is off here so that Tomcat's background scan
 *       cannot deploy the lone descriptor in between; an operator's Tomcat has both files in place before it starts
 *       (StandaloneTomcatIT).</li>
 * </ul>
 * Every setting reaches Tomcat as an environment variable that the adapter's process inherits from this JVM
 * ({@code tomcat-it/pom.xml}), as it would from systemd. A real PostgreSQL (embedded binaries) is started on the port
 * the build reserved, once per JVM.
 */
public final class ManagedTomcatBase implements BeforeAllCallback {

    static final String MANAGER_USER = "arquillian";

    private static final Path HOME = Path.of(System.getProperty("echoid.catalina.home"));
    private static final Path BASE = Path.of(System.getProperty("echoid.managed.base"));
    private static final Path SERVER_CONFIG = Path.of(System.getProperty("echoid.server-config"));
    private static final String DESCRIPTOR = "conf/Catalina/localhost/identity.xml";

    private static EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        prepareOnce();
    }

    public static String gateway() {
        return "http://localhost:" + System.getProperty("echoid.managed.http.port");
    }

    public static String issuer() {
        return gateway() + "/identity";
    }

    /** Tomcat's own log file ({@code conf/logging.properties}), where the web applications' log lines land too. */
    public static String catalinaLog() {
        try (Stream<Path> logs = Files.list(BASE.resolve("logs"))) {
            StringBuilder all = new StringBuilder();
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("catalina.")).sorted().toList()) {
                all.append(Files.readString(log, StandardCharsets.UTF_8));
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The guide's {@code context.xml}, unchanged, where Tomcat looks for it. Called when Tomcat has started. */
    static void installDescriptor() throws IOException {
        Files.createDirectories(BASE.resolve(DESCRIPTOR).getParent());
        Files.copy(SERVER_CONFIG.resolve("context.xml"), BASE.resolve(DESCRIPTOR), StandardCopyOption.REPLACE_EXISTING);
    }

    private static synchronized void prepareOnce() throws IOException, InterruptedException {
        if (postgres != null) {
            return;
        }
        postgres = EmbeddedPostgres.builder().setPort(Integer.getInteger("echoid.managed.db.port")).start();
        // after Arquillian's own hook has stopped Tomcat, or at worst alongside it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the JVM is exiting
            }
        }));

        for (String stale : List.of("webapps", "work", "logs", "temp")) {
            StandaloneTomcat.deleteTree(BASE.resolve(stale));
            Files.createDirectories(BASE.resolve(stale));
        }
        Files.deleteIfExists(BASE.resolve(DESCRIPTOR)); // from an earlier run: it must not be there at start-up
        writeServerXml();
        writeManagerAccess();
        System.setProperty("echoid.managed.catalina.opts", catalinaOptsOfSetenv());
    }

    /** The distribution's server.xml with our HTTP port, no shutdown port (the adapter stops Tomcat by signal). */
    private static void writeServerXml() throws IOException {
        String ours = StandaloneTomcat.distributionServerXml(HOME, Integer.getInteger("echoid.managed.http.port"))
                .replace("autoDeploy=\"true\"", "autoDeploy=\"false\"");
        if (!ours.contains("autoDeploy=\"false\"")) {
            throw new IllegalStateException("conf/server.xml no longer has the host's autoDeploy to turn off");
        }
        Files.writeString(BASE.resolve("conf/server.xml"), ours, StandardCharsets.UTF_8);
    }

    /** The manager from $CATALINA_HOME, and a manager-script user whose password lives only as long as this run. */
    private static void writeManagerAccess() throws IOException {
        Path descriptors = BASE.resolve("conf/Catalina/localhost");
        Files.createDirectories(descriptors);
        Files.writeString(descriptors.resolve("manager.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Context docBase="%s" privileged="true" antiResourceLocking="false"/>
                """.formatted(HOME.resolve("webapps/manager")), StandardCharsets.UTF_8);

        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Files.writeString(BASE.resolve("conf/tomcat-users.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
                  <role rolename="manager-script"/>
                  <user username="%s" password="%s" roles="manager-script"/>
                </tomcat-users>
                """.formatted(MANAGER_USER, password), StandardCharsets.UTF_8);
        System.setProperty("echoid.managed.manager.password", password);
    }

    /** What catalina.sh would add to the java command line from the guide's setenv.sh. */
    private static String catalinaOptsOfSetenv() throws IOException, InterruptedException {
        Process shell = new ProcessBuilder("/bin/sh", "-c", "CATALINA_OPTS=; . \"$1\"; printf '%s' \"$CATALINA_OPTS\"",
                "sh", BASE.resolve("bin/setenv.sh").toString())
                .redirectErrorStream(true)
                .start();
        String opts = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!shell.waitFor(30, TimeUnit.SECONDS) || shell.exitValue() != 0 || opts.isEmpty()) {
            throw new IllegalStateException("sourcing setenv.sh failed: " + opts);
        }
        return opts;
    }
}
