package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.echoid.identity.config.BackchannelSettings;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.logout.BackchannelLogout;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.identity.store.JdbcBackchannelOutbox;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcSsoSessions;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.InMemorySigningKeyStore;
import dev.echoid.identity.token.JwtIssuer;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Back-channel logout through the outbox (issue 12, item 3), on a real PostgreSQL with relying parties that are real
 * HTTP servers: a logout that committed is delivered, late if need be, once in the normal case, by whichever node is
 * up. Sessions end through the provider's own statement ({@link JdbcSsoSessions#end}), which queues the logouts.
 */
@ExtendWith(PostgresExtension.class)
class BackchannelOutboxIT {

    private static final String ISSUER = "https://id.example/identity";
    /** The issue's outage: the relying party is down for a minute. */
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    private final List<AutoCloseable> running = new ArrayList<>();
    private final SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
    private final JwtIssuer issuer = new JwtIssuer(IdentitySettings.from(SettingsSource.of(Map.of(
            IdentitySettings.ISSUER, ISSUER))), keys, Clock.systemUTC());

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : running) {
            closeable.close();
        }
    }

    @Test
    void relyingPartyDownForAMinuteGetsItsLogoutTokenWhenItReturns() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("bc_outage");
        int port = freePort(); // nothing listens there yet: connection refused
        URI receiver = URI.create("http://127.0.0.1:" + port + "/backchannel");
        String clientId = client(database, "outage-app", receiver);
        UUID user = user(database);
        UUID session = session(database, user, clientId);
        // backoff from 1 s doubling to 8 s: tried all through the minute, and soon after it comes back
        BackchannelLogout node = node(database, settings(2, 1_000, 8_000, 30, Duration.ofMinutes(10)));

        assertThat(new JdbcSsoSessions(database).end(session)).isTrue();
        node.wake();
        Thread.sleep(OUTAGE.toMillis());

        // all the while: retried, not lost, not given up
        Map<String, Object> during = row(database, session);
        assertThat(during.get("state")).isEqualTo("pending");
        assertThat((Integer) during.get("attempts")).as("retried with backoff during the outage")
                .isBetween(4, 20);
        assertThat((String) during.get("last_error")).contains("ConnectException");
        assertThat(node.retriedCount()).isGreaterThanOrEqualTo(4);

        // the relying party is back on its port
        List<String> tokens = new CopyOnWriteArrayList<>();
        Instant back = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        receiver(port, tokens, 200, Duration.ZERO);
        awaitTrue("delivered within the longest backoff after the return", Duration.ofSeconds(20),
                () -> !tokens.isEmpty());
        awaitTrue("recorded as delivered", Duration.ofSeconds(5),
                () -> "delivered".equals(row(database, session).get("state")));

        assertThat(tokens).hasSize(1);
        DecodedJWT token = JWT.require(keys.byKid(JWT.decode(tokens.get(0)).getKeyId()).orElseThrow().verifier())
                .withIssuer(ISSUER).withAudience(clientId).build().verify(tokens.get(0));
        assertThat(token.getClaim("sid").asString()).isEqualTo(session.toString());
        assertThat(token.getSubject()).isEqualTo(user.toString());
        assertThat(token.getClaim("events").asMap()).containsKey("http://schemas.openid.net/event/backchannel-logout");
        // minted at delivery: issued after the relying party came back, so it is not stale when it arrives
        assertThat(token.getIssuedAtAsInstant()).isAfterOrEqualTo(back);
        assertThat(token.getExpiresAtAsInstant()).isAfter(Instant.now());
        // the worker counts the delivery and records its audit row after the state's commit, which is all the test
        // waited for above
        awaitTrue("counted and audited", Duration.ofSeconds(5), () -> node.deliveredCount() >= 1
                && count(database, "SELECT count(*) FROM audit_event WHERE event_type = 'LOGOUT' "
                        + "AND client_id = ? AND outcome = 'success'", clientId) >= 1);
        assertThat(node.deliveredCount()).isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM audit_event WHERE event_type = 'LOGOUT' "
                + "AND client_id = ? AND outcome = 'success'", clientId)).isEqualTo(1);
    }

    @Test
    void twoNodesDeliverAParallelBurstOfLogoutsEachExactlyOnce() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("bc_burst");
        List<String> tokens = new CopyOnWriteArrayList<>();
        int port = receiver(0, tokens, 200, Duration.ofMillis(10));
        String clientId = client(database, "burst-app", URI.create("http://127.0.0.1:" + port + "/backchannel"));
        int logouts = 200;
        List<UUID> sessions = new ArrayList<>();
        for (int i = 0; i < logouts; i++) {
            sessions.add(session(database, user(database), clientId));
        }
        // two provider nodes on the same database, each with its own connections and four workers
        BackchannelLogout first = node(dataSource(database), settings(4, 200, 1_000, 5, Duration.ofMinutes(5)));
        BackchannelLogout second = node(dataSource(database), settings(4, 200, 1_000, 5, Duration.ofMinutes(5)));

        // the burst: 200 logouts at once, from 16 threads
        ExecutorService users = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> ended = new ArrayList<>();
        JdbcSsoSessions store = new JdbcSsoSessions(database);
        for (int i = 0; i < logouts; i++) {
            UUID session = sessions.get(i);
            BackchannelLogout node = i % 2 == 0 ? first : second;
            ended.add(users.submit(() -> {
                start.await();
                boolean result = store.end(session);
                node.wake();
                return result;
            }));
        }
        start.countDown();
        for (Future<Boolean> result : ended) {
            assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
        }
        users.shutdown();

        awaitTrue("every logout delivered", Duration.ofSeconds(60), () -> tokens.size() >= logouts);
        awaitTrue("every row marked delivered", Duration.ofSeconds(10), () -> count(database,
                "SELECT count(*) FROM backchannel_logout_outbox WHERE state = 'delivered'") == logouts);
        Thread.sleep(1_000); // a second delivery, if there were one, would come now

        Map<String, Integer> perSession = new HashMap<>();
        for (String token : tokens) {
            perSession.merge(JWT.decode(token).getClaim("sid").asString(), 1, Integer::sum);
        }
        assertThat(perSession).hasSize(logouts);
        assertThat(perSession.values()).as("each token delivered once").containsOnly(1);
        assertThat(tokens).hasSize(logouts);
        assertThat(count(database, "SELECT count(*) FROM backchannel_logout_outbox WHERE attempts <> 1"))
                .as("one attempt each").isZero();
        awaitTrue("every delivery counted", Duration.ofSeconds(5),
                () -> first.deliveredCount() + second.deliveredCount() >= logouts);
        assertThat(first.deliveredCount() + second.deliveredCount()).isEqualTo(logouts);
        assertThat(first.deliveredCount()).as("both nodes shared the work").isPositive();
        assertThat(second.deliveredCount()).as("both nodes shared the work").isPositive();
    }

    @Test
    void logoutsQueuedWhileNoNodeDeliveredOrWhoseNodeDiedMidDeliveryAreDeliveredAfterRestart() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("bc_restart");
        List<String> tokens = new CopyOnWriteArrayList<>();
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer rp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rp.setExecutor(Executors.newCachedThreadPool(daemon()));
        rp.createContext("/backchannel", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (hanging.getCount() > 0 && body.contains("logout_token")
                    && JWT.decode(token(body)).getClaim("sid").asString().equals(String.valueOf(
                            exchange.getRequestURI().getQuery()))) {
                hanging.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS); // the node dies while this attempt is under way
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            } else {
                tokens.add(token(body));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        rp.start();
        running.add(() -> {
            release.countDown();
            rp.stop(0);
        });
        UUID user = user(database);
        String idle = client(database, "restart-app", URI.create("http://127.0.0.1:" + rp.getAddress().getPort()
                + "/backchannel"));
        UUID queuedWhileDown = session(database, user, idle);
        // this session's first attempt hangs at the relying party when the node dies
        UUID session2 = UUID.randomUUID();
        String midway = client(database, "midway-app", URI.create("http://127.0.0.1:" + rp.getAddress().getPort()
                + "/backchannel?" + session2));
        UUID midDelivery = session(database, session2, user, midway);

        // the logout commits while no delivery runs at all (the node dies right after its answer)
        assertThat(new JdbcSsoSessions(database).end(queuedWhileDown)).isTrue();
        assertThat(row(database, queuedWhileDown)).containsEntry("state", "pending").containsEntry("attempts", 0);

        // a node starts: it delivers that one, claims the next logout, and dies in the middle of delivering it
        BackchannelSettings settings = settings(2, 200, 1_000, 5, Duration.ofMinutes(5));
        assertThat(new JdbcSsoSessions(database).end(midDelivery)).isTrue();
        BackchannelLogout doomed = new BackchannelLogout(new JdbcBackchannelOutbox(database), issuer,
                audit(database), settings);
        doomed.start();
        doomed.wake();
        assertThat(hanging.await(20, TimeUnit.SECONDS)).as("the attempt reached the relying party").isTrue();
        // (recorded as delivered: a node that dies between the RP's answer and that record delivers it again)
        awaitTrue("the first node delivered what did not hang", Duration.ofSeconds(10), () -> tokens.size() == 1
                && "delivered".equals(row(database, queuedWhileDown).get("state")));
        doomed.close(); // the node is gone: its attempt's outcome is never recorded
        release.countDown();
        assertThat(row(database, midDelivery)).containsEntry("state", "pending").containsEntry("attempts", 1);

        // the next node to start delivers it, once the dead node's lease on it has run out
        Instant restarted = Instant.now();
        BackchannelLogout next = node(database, settings);
        awaitTrue("delivered after the restart", settings.lease().plusSeconds(20),
                () -> "delivered".equals(row(database, midDelivery).get("state")));
        assertThat(Duration.between(restarted, Instant.now())).as("not before the lease ended")
                .isGreaterThan(settings.lease().minus(settings.connectTimeout()).minusSeconds(10));
        assertThat(row(database, queuedWhileDown)).containsEntry("state", "delivered");
        assertThat(tokens).hasSize(2);
        assertThat(tokens.stream().map(token -> JWT.decode(token).getClaim("sid").asString()))
                .containsExactlyInAnyOrder(queuedWhileDown.toString(), midDelivery.toString());
        awaitTrue("the delivery counted", Duration.ofSeconds(5), () -> next.deliveredCount() >= 1);
        assertThat(next.deliveredCount()).isEqualTo(1);
    }

    @Test
    void relyingPartyThatRefusesTheTokenWith400IsDeadLetteredAtOnceAndOneThatAlwaysFailsAfterItsAttempts()
            throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("bc_dead");
        List<String> refused = new CopyOnWriteArrayList<>();
        List<String> failed = new CopyOnWriteArrayList<>();
        int refusing = receiver(0, refused, 400, Duration.ZERO);
        int failing = receiver(0, failed, 500, Duration.ZERO);
        UUID user = user(database);
        UUID one = session(database, user, client(database, "refusing-app",
                URI.create("http://127.0.0.1:" + refusing + "/backchannel")));
        UUID two = session(database, user, client(database, "failing-app",
                URI.create("http://127.0.0.1:" + failing + "/backchannel")));
        BackchannelLogout node = node(database, settings(2, 100, 400, 4, Duration.ofMinutes(5)));

        new JdbcSsoSessions(database).end(one);
        new JdbcSsoSessions(database).end(two);
        node.wake();

        awaitTrue("both dead-lettered", Duration.ofSeconds(20), () -> "dead".equals(row(database, one).get("state"))
                && "dead".equals(row(database, two).get("state")));
        // §2.8: 400 is the RP refusing this token; the same request would be refused again
        assertThat(row(database, one)).containsEntry("attempts", 1);
        assertThat(refused).hasSize(1);
        assertThat(row(database, two)).containsEntry("attempts", 4);
        assertThat(failed).hasSize(4);
        assertThat((String) row(database, two).get("last_error")).startsWith("HTTP 500");
        assertThat(node.deadLetteredCount()).isEqualTo(2);
        assertThat(node.retriedCount()).isEqualTo(3);
        assertThat(count(database, "SELECT count(*) FROM audit_event WHERE event_type = 'LOGOUT' "
                + "AND outcome = 'failure' AND detail LIKE '%dead-lettered%'")).isEqualTo(2);
        // nothing more is tried
        Thread.sleep(1_000);
        assertThat(failed).hasSize(4);
    }

    @Test
    void receiversThatTrickleTheirAnswerHoldTheOnlyWorkerNoLongerThanItsTimeouts() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("bc_trickle");
        // one sends its status line, then a header byte every 200 ms; the other a 400 with an endless body
        int headers = trickler("HTTP/1.1 200 OK\r\nX-Slow: ");
        int body = trickler("HTTP/1.1 400 Bad Request\r\nContent-Length: 100000000\r\n\r\n{\"error\":");
        List<String> tokens = new CopyOnWriteArrayList<>();
        int healthy = receiver(0, tokens, 200, Duration.ZERO);
        UUID user = user(database);
        UUID slowHeaders = session(database, user, client(database, "trickle-headers-app",
                URI.create("http://127.0.0.1:" + headers + "/backchannel")));
        UUID slowBody = session(database, user, client(database, "trickle-body-app",
                URI.create("http://127.0.0.1:" + body + "/backchannel")));
        UUID fine = session(database, user, client(database, "healthy-app",
                URI.create("http://127.0.0.1:" + healthy + "/backchannel")));
        // a single worker, 1 s to connect and 2 s to answer: each trickler may hold it 3 s per attempt at most
        BackchannelLogout node = node(database, settings(1, 100, 400, 5, Duration.ofMinutes(5)));

        new JdbcSsoSessions(database).end(slowHeaders);
        new JdbcSsoSessions(database).end(slowBody);
        Thread.sleep(200);
        new JdbcSsoSessions(database).end(fine);
        node.wake();

        awaitTrue("the healthy client was told behind the two tricklers", Duration.ofSeconds(15),
                () -> !tokens.isEmpty());
        awaitTrue("the endless 400 is dead-lettered", Duration.ofSeconds(15),
                () -> "dead".equals(row(database, slowBody).get("state")));
        assertThat((String) row(database, slowBody).get("last_error")).startsWith("HTTP 400");
        awaitTrue("the trickled headers timed out and are retried", Duration.ofSeconds(15),
                () -> (Integer) row(database, slowHeaders).get("attempts") >= 2);
        assertThat((String) row(database, slowHeaders).get("last_error")).containsIgnoringCase("timeout");
        assertThat(row(database, fine)).containsEntry("state", "delivered");
    }

    @Test
    void sessionEndAndItsQueuedLogoutsCommitTogetherOrNotAtAll() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("bc_atomic");
        UUID user = user(database);
        String told = client(database, "told-app", URI.create("http://127.0.0.1:9/backchannel"));
        client(database, "never-signed-in-app", URI.create("http://127.0.0.1:9/other"));
        String noUri = client(database, "no-uri-app", null);
        UUID session = session(database, user, told);
        codeFor(database, session, user, noUri);
        JdbcSsoSessions sessions = new JdbcSsoSessions(database);

        // the outbox refuses the row: the session does not end either
        execute(database, "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$");
        execute(database, "CREATE TRIGGER refuse BEFORE INSERT ON backchannel_logout_outbox "
                + "FOR EACH ROW EXECUTE FUNCTION refuse()");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.end(session))
                .hasStackTraceContaining("outbox unavailable");
        assertThat(count(database, "SELECT count(*) FROM sso_session WHERE id = ? AND ended_at IS NULL", session))
                .as("still live: nothing was acknowledged").isOne();

        // once it takes rows: one per client of the session that registered a URI, none for the others
        execute(database, "DROP TRIGGER refuse ON backchannel_logout_outbox");
        assertThat(sessions.end(session)).isTrue();
        assertThat(count(database, "SELECT count(*) FROM backchannel_logout_outbox")).isOne();
        assertThat(row(database, session)).containsEntry("state", "pending").containsEntry("attempts", 0);
        // ending it again queues nothing more
        assertThat(sessions.end(session)).isFalse();
        assertThat(sessions.endAllOf(user)).isEmpty();
        assertThat(count(database, "SELECT count(*) FROM backchannel_logout_outbox")).isOne();
    }

    // --- the relying parties, the nodes and the rows

    private BackchannelLogout node(DataSource database, BackchannelSettings settings) {
        BackchannelLogout node = new BackchannelLogout(new JdbcBackchannelOutbox(database), issuer,
                audit(database), settings);
        node.start();
        running.add(0, node);
        return node;
    }

    private static JdbcAuditLog audit(DataSource database) {
        JdbcAuditLog audit = new JdbcAuditLog(database, Optional.of(PostgresExtension.AUDIT_KEY), LogFormat.TEXT);
        audit.prepare();
        return audit;
    }

    private static BackchannelSettings settings(int workers, long initialBackoffMillis, long maxBackoffMillis,
            int maxAttempts, Duration maxAge) {
        return new BackchannelSettings(workers, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofMillis(initialBackoffMillis), Duration.ofMillis(maxBackoffMillis), maxAttempts, maxAge,
                Duration.ofMillis(200), Duration.ofDays(7));
    }

    /** A relying party answering {@code status} after {@code delay}; its port. */
    private int receiver(int port, List<String> tokens, int status, Duration delay) throws IOException {
        HttpServer rp = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        rp.setExecutor(Executors.newFixedThreadPool(8, daemon()));
        rp.createContext("/backchannel", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokens.add(token(body));
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = status == 400 ? "{\"error\":\"invalid_request\"}".getBytes(StandardCharsets.UTF_8)
                    : new byte[0];
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        rp.start();
        running.add(() -> rp.stop(0));
        return rp.getAddress().getPort();
    }

    /** A receiver that writes {@code start} and then one byte every 200 ms, never finishing its answer. */
    private int trickler(String start) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    java.net.Socket socket = server.accept();
                    Thread writer = new Thread(() -> {
                        try (socket) {
                            socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
                            while (true) {
                                socket.getOutputStream().write('x');
                                socket.getOutputStream().flush();
                                Thread.sleep(200);
                            }
                        } catch (IOException | InterruptedException closed) {
                            // the provider gave up, or the test is over
                        }
                    }, "test-trickler");
                    writer.setDaemon(true);
                    writer.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "test-trickler-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        running.add(server::close);
        return server.getLocalPort();
    }

    private static String token(String body) {
        assertThat(body).startsWith("logout_token=");
        return URLDecoder.decode(body.substring("logout_token=".length()), StandardCharsets.UTF_8);
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "test-relying-party");
            thread.setDaemon(true);
            return thread;
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static DataSource dataSource(PGSimpleDataSource database) {
        PGSimpleDataSource own = new PGSimpleDataSource();
        own.setUrl(database.getUrl());
        own.setUser("postgres");
        own.setPassword("postgres");
        return own;
    }

    private static String client(DataSource database, String clientId, URI backchannelLogoutUri) {
        new JdbcClients(database).createIfAbsent(new Client(clientId, clientId, "hash",
                List.of(URI.create("https://" + clientId + ".example/cb")), true, Set.of(Client.AUTHORIZATION_CODE),
                List.of(), backchannelLogoutUri, "RS256", false));
        return clientId;
    }

    private static UUID user(DataSource database) {
        UUID id = UUID.randomUUID();
        String name = "user-" + id;
        new JdbcUsers(database).createIfAbsent(new User(id, name, "hash", name, name + "@example.com", true, true));
        return id;
    }

    private static UUID session(DataSource database, UUID user, String clientId) throws SQLException {
        return session(database, UUID.randomUUID(), user, clientId);
    }

    /** A live sign-on session that issued a code to {@code clientId}, as a sign-in leaves it. */
    private static UUID session(DataSource database, UUID id, UUID user, String clientId) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        new JdbcSsoSessions(database).create(new SsoSession(id, user, now, now, now, now.plus(Duration.ofHours(1)),
                null, "pwd", "login-" + id), "secret-" + id);
        try (Connection connection = database.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO authorization_code (code_hash, "
                        + "client_id, user_id, redirect_uri, scope, auth_time, issued_at, expires_at, sso_session_id, "
                        + "login_id) VALUES (?, ?, ?, ?, 'openid', ?, ?, ?, ?, ?)")) {
            insert.setString(1, "code-" + id);
            insert.setString(2, clientId);
            insert.setObject(3, user);
            insert.setString(4, "https://" + clientId + ".example/cb");
            insert.setTimestamp(5, Timestamp.from(now));
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setTimestamp(7, Timestamp.from(now.plusSeconds(60)));
            insert.setObject(8, id);
            insert.setString(9, "login-" + id);
            insert.executeUpdate();
        }
        return id;
    }

    /** Another code of the session, for another client. */
    private static void codeFor(DataSource database, UUID session, UUID user, String clientId) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO authorization_code (code_hash, "
                        + "client_id, user_id, redirect_uri, scope, auth_time, issued_at, expires_at, sso_session_id) "
                        + "VALUES (?, ?, ?, ?, 'openid', now(), now(), now() + interval '1 minute', ?)")) {
            insert.setString(1, "code-" + UUID.randomUUID());
            insert.setString(2, clientId);
            insert.setObject(3, user);
            insert.setString(4, "https://" + clientId + ".example/cb");
            insert.setObject(5, session);
            insert.executeUpdate();
        }
    }

    private static void execute(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Map<String, Object> row(DataSource database, UUID session) {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT state, attempts, last_error "
                        + "FROM backchannel_logout_outbox WHERE sso_session_id = ?")) {
            query.setObject(1, session);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("the outbox row of session " + session).isTrue();
                Map<String, Object> values = new HashMap<>();
                values.put("state", row.getString("state"));
                values.put("attempts", row.getInt("attempts"));
                values.put("last_error", row.getString("last_error"));
                assertThat(row.next()).as("one row per session and client").isFalse();
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(DataSource database, String sql, Object... values) {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                query.setObject(i + 1, values[i]);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
