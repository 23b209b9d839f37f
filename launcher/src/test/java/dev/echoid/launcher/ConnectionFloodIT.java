package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attacker's connection flood: more TCP connections to the provider's port than its connector keeps
 * ({@link DevServer#MAX_CONNECTIONS}, the rest in the kernel's accept queue), none of which ever sends a byte. The
 * bound must hold (the connector never keeps more), the idle connections must hold no request thread, the health
 * connector must answer every probe within Kubernetes' 1 s meanwhile, and the server must close every one of them by
 * itself, the accepted ones within {@link DevServer#CONNECTION_TIMEOUT_MILLIS} (plus the poller's second), so that
 * an attacker who stops gains nothing: a request sent during the flood is answered once the slots free up, and the
 * provider answers as before afterwards. What the flood costs the attacker to keep up (reopening each connection
 * every 20 s) and what it costs others (their connections wait in the accept queue meanwhile) is why a per-address
 * connection limit belongs in front of the provider (docs/security.md, "Connection floods").
 */
@Timeout(180)
class ConnectionFloodIT {

    /** Connections beyond the connector's bound, which wait in the accept queue (acceptCount 128). */
    private static final int BEYOND_BOUND = 32;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration OBSERVED = Duration.ofSeconds(5);
    /** The poller checks timeouts about once a second; the rest is this machine's slack. */
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(10);

    private static DevServer system;
    private static int port;
    private static String issuer;
    private static String health;

    @BeforeAll
    static void start() {
        system = DevServer.start(RunningSystem.freshOptions(RunningSystem.temporaryDirectory(),
                Map.of(DevServer.HEALTH_PORT, Integer.toString(RunningSystem.freePort()))));
        port = system.options().identityPort();
        issuer = system.options().issuer();
        health = system.options().healthBase().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void idleConnectionsBeyondTheBoundHoldNoThreadLeaveProbesAnsweredAndAreClosedByTheServer() throws Exception {
        HttpClient others = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThat(get(others, health + "/health/ready", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
        Connector connector = Connector.of(port);
        // the gateway's own keep-alive connection to the provider, if it has one yet
        long connectionsBefore = connector.connections();

        int attackers = DevServer.MAX_CONNECTIONS + BEYOND_BOUND;
        long floodStart = System.nanoTime();
        try (Flood flood = new Flood(new InetSocketAddress("127.0.0.1", port))) {
            flood.connect(attackers, Duration.ofSeconds(20));
            assertThat(flood.connected()).as("attacker connections the kernel completed").isEqualTo(attackers);

            // the bound holds: the connector keeps maxConnections; the rest wait in the kernel's queue
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (connector.connections() < DevServer.MAX_CONNECTIONS && System.nanoTime() < deadline) {
                flood.poll(100);
            }
            assertThat(connector.connections()).as("connections the connector keeps during the flood")
                    .isEqualTo(DevServer.MAX_CONNECTIONS);

            // someone else's request on a new connection, sent now: it waits in the accept queue behind the flood
            long othersSent = System.nanoTime();
            CompletableFuture<HttpResponse<String>> othersAnswer = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                            .timeout(Duration.ofSeconds(90)).GET().build(), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<Long> othersAnsweredAt = othersAnswer.thenApply(ignored -> System.nanoTime());

            // meanwhile: no request thread held, every probe answered within its timeout
            List<String> probeFailures = new ArrayList<>();
            int probes = 0;
            int mostBusy = 0;
            long observeUntil = System.nanoTime() + OBSERVED.toNanos();
            while (System.nanoTime() < observeUntil) {
                probes++;
                try {
                    HttpResponse<String> probe = get(others, health + "/health/ready", PROBE_TIMEOUT);
                    if (probe.statusCode() != 200) {
                        probeFailures.add(probe.statusCode() + " " + probe.body());
                    }
                } catch (IOException e) {
                    probeFailures.add(e.toString());
                }
                mostBusy = Math.max(mostBusy, connector.busyThreads());
                assertThat(connector.connections()).isLessThanOrEqualTo(DevServer.MAX_CONNECTIONS);
                flood.poll(100);
            }
            assertThat(probeFailures).as("health probes during the flood (%d sent)", probes).isEmpty();
            assertThat(mostBusy).as("request threads busy while %d idle connections are open", attackers)
                    .isLessThanOrEqualTo(2);
            assertThat(flood.closedByServer()).as("connections closed before their timeout").isZero();

            // the attacker stops: the server closes every connection by itself, the accepted ones first
            Duration timeout = Duration.ofMillis(DevServer.CONNECTION_TIMEOUT_MILLIS);
            long acceptedBy = floodStart + timeout.plus(CLOSE_SLACK).toNanos();
            long allBy = floodStart + timeout.multipliedBy(2).plus(CLOSE_SLACK).toNanos();
            while (flood.closedByServer() < DevServer.MAX_CONNECTIONS && System.nanoTime() < acceptedBy) {
                flood.poll(200);
            }
            int closedAtFirst = flood.closedByServer();
            Duration firstBatch = Duration.ofNanos(System.nanoTime() - floodStart);
            while (flood.closedByServer() < attackers && System.nanoTime() < allBy) {
                flood.poll(200);
            }
            Duration all = Duration.ofNanos(System.nanoTime() - floodStart);

            HttpResponse<String> answer = othersAnswer.get(90, TimeUnit.SECONDS);
            long othersAnsweredAfter = Duration.ofNanos(othersAnsweredAt.get() - othersSent).toMillis();
            System.out.printf("ConnectionFloodIT: %d idle connections (connector bound %d, accept queue %d);"
                            + " %d probes during the flood, %d failed; at most %d request threads busy; %d closed"
                            + " by the server %d ms after the flood began, all %d after %d ms; a request sent"
                            + " during the flood answered %d after %d ms%n",
                    attackers, DevServer.MAX_CONNECTIONS, DevServer.ACCEPT_COUNT, probes, probeFailures.size(),
                    mostBusy, closedAtFirst, firstBatch.toMillis(), flood.closedByServer(), all.toMillis(),
                    answer.statusCode(), othersAnsweredAfter);

            assertThat(closedAtFirst).as("accepted idle connections the server closed within %s of the flood",
                    timeout.plus(CLOSE_SLACK)).isGreaterThanOrEqualTo((int) (DevServer.MAX_CONNECTIONS
                    - connectionsBefore));
            assertThat(flood.closedByServer()).as("idle connections the server closed within %s",
                    timeout.multipliedBy(2).plus(CLOSE_SLACK)).isEqualTo(attackers);
            assertThat(answer.statusCode()).as("the request sent during the flood").isEqualTo(200);
        }

        // afterwards: the provider answers as before, and keeps no more connections than before the flood
        assertThat(get(others, issuer + "/.well-known/openid-configuration", Duration.ofSeconds(5)).statusCode())
                .isEqualTo(200);
        assertThat(connector.connections()).as("connections after the flood")
                .isLessThanOrEqualTo(connectionsBefore + 2);
    }

    private static HttpResponse<String> get(HttpClient client, String uri, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The provider connector's figures, through Tomcat's JMX beans (the embedded Tomcat registers them). */
    private record Connector(MBeanServer jmx, ObjectName pool) {

        static Connector of(int port) throws Exception {
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName pool : jmx.queryNames(new ObjectName("*:type=ThreadPool,*"), null)) {
                String name = pool.getKeyProperty("name");
                if (name != null && name.replace("\"", "").endsWith("-" + port)) {
                    return new Connector(jmx, pool);
                }
            }
            throw new AssertionError("no Tomcat ThreadPool bean for port " + port);
        }

        long connections() throws Exception {
            return ((Number) jmx.getAttribute(pool, "connectionCount")).longValue();
        }

        int busyThreads() throws Exception {
            return ((Number) jmx.getAttribute(pool, "currentThreadsBusy")).intValue();
        }
    }

    /**
     * The attacker's connections, non-blocking on one selector: opened a few at a time (a burst of a thousand SYNs
     * overflows the listener's SYN queue, and the kernel's SYN cookies then complete handshakes it never queues for
     * the server: connections the client holds and the server never sees), then watched for the server's close.
     */
    private static final class Flood implements AutoCloseable {

        /** Connects in progress at once: well within the listener's queues (acceptCount 128). */
        private static final int IN_FLIGHT = 16;

        private final InetSocketAddress address;
        private final Selector selector;
        private final List<SocketChannel> channels = new ArrayList<>();
        private final Set<SocketChannel> closed = new HashSet<>();
        private final ByteBuffer scratch = ByteBuffer.allocate(256);
        private int connected;
        private int failed;

        Flood(InetSocketAddress address) throws IOException {
            this.address = address;
            this.selector = Selector.open();
        }

        /** Opens {@code count} connections, at most {@link #IN_FLIGHT} connecting at once, within {@code within}. */
        void connect(int count, Duration within) throws IOException {
            long deadline = System.nanoTime() + within.toNanos();
            while (connected + failed < count && System.nanoTime() < deadline) {
                while (channels.size() < count && channels.size() - connected - failed < IN_FLIGHT) {
                    SocketChannel channel = SocketChannel.open();
                    channels.add(channel);
                    channel.configureBlocking(false);
                    if (channel.connect(address)) {
                        connected++;
                        channel.register(selector, SelectionKey.OP_READ);
                    } else {
                        channel.register(selector, SelectionKey.OP_CONNECT);
                    }
                }
                poll(50);
            }
        }

        /** Handles what is ready within {@code millis}: completed connects, and the server's closes. */
        void poll(long millis) throws IOException {
            selector.select(Math.max(1, millis));
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                SocketChannel channel = (SocketChannel) key.channel();
                if (key.isValid() && key.isConnectable()) {
                    try {
                        if (channel.finishConnect()) {
                            connected++;
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    } catch (IOException refused) {
                        failed++;
                        key.cancel();
                    }
                } else if (key.isValid() && key.isReadable()) {
                    scratch.clear();
                    int read;
                    try {
                        read = channel.read(scratch);
                    } catch (IOException reset) {
                        read = -1;
                    }
                    if (read < 0) {
                        closed.add(channel);
                        key.cancel();
                    }
                }
            }
        }

        int connected() {
            return connected;
        }

        int closedByServer() {
            return closed.size();
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel channel : channels) {
                channel.close();
            }
            selector.close();
        }
    }
}
