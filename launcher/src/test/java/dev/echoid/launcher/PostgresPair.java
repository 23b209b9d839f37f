package dev.echoid.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL primary and a streaming-replication hot standby from Debian's packages
 * ({@code /usr/lib/postgresql/<major>/bin}), set up in a temporary directory: {@code initdb}, a replication role,
 * {@code pg_basebackup -R}, the standby on a second port. The primary names the standby in
 * {@code synchronous_standby_names}, so a commit is acknowledged only once the standby has flushed its WAL: what
 * the provider acknowledged survives the primary's loss. PostgreSQL refuses to run as root, so as root every
 * command runs as the {@code postgres} user ({@code runuser}), which owns the directory.
 */
final class PostgresPair implements AutoCloseable {

    static final String DATABASE = "identity";
    static final String USER = "identity";
    static final String PASSWORD = "identity-failover-test-password";
    private static final String SUPERUSER_PASSWORD = "superuser-failover-test-password";
    private static final String REPLICATION_USER = "replicator";
    private static final String REPLICATION_PASSWORD = "replicator-failover-test-password";
    private static final String STANDBY_NAME = "standby";
    private static final Path DEBIAN_POSTGRESQL = Paths.get("/usr/lib/postgresql");

    private final Path bin;
    private final Path directory;
    private final boolean asPostgresUser;
    final int primaryPort;
    final int standbyPort;
    private final Path primaryData;
    private final Path standbyData;
    private Thread stopper;

    private PostgresPair(Path bin, Path directory, boolean asPostgresUser) {
        this.bin = bin;
        this.directory = directory;
        this.asPostgresUser = asPostgresUser;
        this.primaryPort = RunningSystem.freePort();
        this.standbyPort = RunningSystem.freePort();
        this.primaryData = directory.resolve("primary");
        this.standbyData = directory.resolve("standby");
    }

    /**
     * The newest Debian PostgreSQL's binaries. Without them: skipped on a developer's machine, a failure on CI (the
     * {@code CI} environment variable set), as {@code BrowserLoginIT} does for Chromium.
     */
    static Path requireBinaries() {
        Optional<Path> bin = Optional.empty();
        if (Files.isDirectory(DEBIAN_POSTGRESQL)) {
            try (Stream<Path> majors = Files.list(DEBIAN_POSTGRESQL)) {
                bin = majors.map(major -> major.resolve("bin"))
                        .filter(dir -> Files.isExecutable(dir.resolve("pg_basebackup"))
                                && Files.isExecutable(dir.resolve("initdb")))
                        .max(Comparator.comparingInt(dir -> major(dir.getParent())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (bin.isPresent()) {
            return bin.get();
        }
        String message = "Debian's PostgreSQL (initdb, pg_ctl, pg_basebackup under " + DEBIAN_POSTGRESQL
                + "/<major>/bin) is needed for the failover test (apt-get install postgresql; .ci/run installs it)";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            fail("CI must run the failover test. " + message);
        }
        Assumptions.abort(message);
        throw new IllegalStateException("unreachable");
    }

    private static int major(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Sets up and starts both servers; returns once the standby streams as the synchronous one. */
    static PostgresPair start() throws Exception {
        Path bin = requireBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory = Files.createTempDirectory("echoid-failover-");
        PostgresPair pair = new PostgresPair(bin, directory, root);
        Instant started = Instant.now();
        // a test JVM stopped half-way (a timeout, Ctrl-C) must not leave two servers running
        Thread stopper = new Thread(pair::close, "postgres-pair-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        pair.stopper = stopper;
        try {
            pair.setUp();
            System.out.printf("PostgresPair: primary :%d and synchronous standby :%d (%s) set up in %d ms%n",
                    pair.primaryPort, pair.standbyPort, bin, Duration.between(started, Instant.now()).toMillis());
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private void setUp() throws Exception {
        if (asPostgresUser) {
            run(List.of("chown", "postgres:postgres", directory.toString()), false);
        }
        Path passwordFile = directory.resolve("superuser-password");
        Files.writeString(passwordFile, SUPERUSER_PASSWORD + "\n");
        if (asPostgresUser) {
            run(List.of("chown", "postgres:postgres", passwordFile.toString()), false);
        }
        // local (socket) connections trusted, TCP ones by password, as a packaged server is set up
        pg("initdb", "-D", primaryData.toString(), "-U", "postgres", "--pwfile=" + passwordFile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        Files.writeString(primaryData.resolve("pg_hba.conf"),
                "host replication " + REPLICATION_USER + " 127.0.0.1/32 scram-sha-256\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(primaryData.resolve("postgresql.conf"), String.join("\n",
                "",
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + directory + "'",
                "wal_level = replica",
                "max_wal_senders = 5",
                "hot_standby = on",
                "max_connections = 60",
                "shared_buffers = 16MB",
                "fsync = on",
                "synchronous_commit = on",
                ""), java.nio.file.StandardOpenOption.APPEND);
        startServer(primaryData, primaryPort, "");
        try (Connection admin = superuser(primaryPort); Statement sql = admin.createStatement()) {
            sql.execute("CREATE ROLE " + REPLICATION_USER + " WITH REPLICATION LOGIN PASSWORD '"
                    + REPLICATION_PASSWORD + "'");
            sql.execute("CREATE ROLE " + USER + " WITH LOGIN PASSWORD '" + PASSWORD + "'");
            sql.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        }
        // --no-sync: the copy is made before anything the test checks; the servers themselves run with fsync on
        pg("pg_basebackup", "-D", standbyData.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync", "-d",
                "host=127.0.0.1 port=" + primaryPort + " user=" + REPLICATION_USER + " password="
                        + REPLICATION_PASSWORD);
        // cluster_name is the walreceiver's application_name: what synchronous_standby_names matches
        startServer(standbyData, standbyPort, "-c cluster_name=" + STANDBY_NAME);
        // set after the base backup, which copies the configuration: a promoted standby that waited for a standby
        // of its own would never commit (and before it, the primary's own set-up would wait for one)
        try (Connection admin = superuser(primaryPort); Statement sql = admin.createStatement()) {
            sql.execute("ALTER SYSTEM SET synchronous_standby_names = '" + STANDBY_NAME + "'");
            sql.execute("SELECT pg_reload_conf()");
        }
        awaitSynchronousStandby();
    }

    private void startServer(Path data, int port, String options) throws Exception {
        pg("pg_ctl", "start", "-w", "-t", "60", "-D", data.toString(), "-l", data + ".log",
                "-o", "-c port=" + port + " " + options);
    }

    private void awaitSynchronousStandby() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        String state = null;
        while (Instant.now().isBefore(deadline)) {
            try (Connection admin = superuser(primaryPort); Statement sql = admin.createStatement();
                    ResultSet row = sql.executeQuery("SELECT sync_state FROM pg_stat_replication"
                            + " WHERE application_name = '" + STANDBY_NAME + "' AND state = 'streaming'")) {
                state = row.next() ? row.getString(1) : null;
            }
            if ("sync".equals(state)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the standby is not a streaming synchronous standby within 30 s: " + state
                + "\n" + log(standbyData));
    }

    /** The provider's URL: both servers, and the driver connects only to the one that accepts writes. */
    String multiHostUrl() {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort + "/" + DATABASE
                + "?targetServerType=primary&hostRecheckSeconds=1&connectTimeout=2";
    }

    /** The primary dies as a crashed or powered-off server does: no checkpoint, every connection dropped. */
    void stopPrimaryImmediately() throws Exception {
        pg("pg_ctl", "stop", "-m", "immediate", "-w", "-D", primaryData.toString());
    }

    /** The standby leaves recovery and accepts writes; returns once it does. */
    void promoteStandby() throws Exception {
        pg("pg_ctl", "promote", "-w", "-t", "60", "-D", standbyData.toString());
    }

    /** As the database's owner on the server at {@code port}, through TCP as the provider connects. */
    Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, USER, PASSWORD);
    }

    /** As PostgreSQL's superuser, for what the test does to the servers (fencing, replication state). */
    Connection superuser(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                SUPERUSER_PASSWORD);
    }

    String log(Path data) {
        try {
            Path log = Paths.get(data + ".log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (stopper != null && Thread.currentThread() != stopper) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
        }
        for (Path data : List.of(primaryData, standbyData)) {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    pg("pg_ctl", "stop", "-m", "immediate", "-w", "-D", data.toString());
                } catch (Exception | AssertionError ignored) {
                    // already stopped
                }
            }
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private void pg(String program, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command, asPostgresUser);
    }

    private void run(List<String> command, boolean asPostgres) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("echoid-pg-", ".out");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                    .directory(directory.toFile()).start();
            if (!process.waitFor(Duration.ofSeconds(120).toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + full);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(full + " exited " + process.exitValue() + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
