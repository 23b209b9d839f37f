package dev.echoid.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A load balancer for tests: each request goes to the next backend in turn (no stickiness, so whatever a node keeps
 * must be shared). A backend that refuses the connection is marked down and the request, which it never received,
 * goes to another; a backend that fails a request it may have received (reset, no answer) is marked down and that
 * request answered 502, as nginx does for a non-idempotent request. A backend marked down is tried last for 2 s. Says which backend answered in
 * {@value #BACKEND_HEADER}. {@link #dropNextAnswer} loses one answer on its way back, as a node killed between its
 * commit and its write would.
 */
final class RoundRobinProxy implements AutoCloseable {

    static final String BACKEND_HEADER = "X-Test-Backend";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");

    private final List<URI> backends;
    private final AtomicInteger next = new AtomicInteger();
    /** Until when (System.nanoTime) a backend that failed is tried only after the others. */
    private final java.util.concurrent.atomic.AtomicLongArray downUntil;
    private static final long HOLD_DOWN_NANOS = TimeUnit.SECONDS.toNanos(2);
    private final AtomicIntegerArray served;
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** The answer to lose: of this backend, to a request with this header; null: none. */
    private record Drop(int backend, String header, java.util.concurrent.CountDownLatch dropped) {
    }

    private final java.util.concurrent.atomic.AtomicReference<Drop> drop =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(48);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();

    RoundRobinProxy(int port, List<URI> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.downUntil = new java.util.concurrent.atomic.AtomicLongArray(backends.size());
        this.served = new AtomicIntegerArray(backends.size());
        server = HttpServer.create(new InetSocketAddress("localhost", port), 128);
        server.createContext("/", this::forward);
        server.setExecutor(threads);
        server.start();
    }

    int served(int backend) {
        return served.get(backend);
    }

    int retried() {
        return retried.get();
    }

    int failed() {
        return failed.get();
    }

    /**
     * The next answer of {@code backend} to a request carrying {@code header} is discarded (the backend did the work)
     * and the client answered 502, as when the node dies after its commit, before its answer leaves. The latch
     * opens once it happened.
     */
    java.util.concurrent.CountDownLatch dropNextAnswer(int backend, String header) {
        Drop next = new Drop(backend, header, new java.util.concurrent.CountDownLatch(1));
        drop.set(next);
        return next.dropped();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int first = Math.floorMod(next.getAndIncrement(), backends.size());
            // the backends in turn, those marked down last: a request is refused only when every backend refused it
            List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < backends.size(); i++) {
                order.add((first + i) % backends.size());
            }
            long now = System.nanoTime();
            order.sort(java.util.Comparator.comparing(b -> downUntil.get(b) - now > 0));
            for (int backend : order) {
                try {
                    HttpResponse<byte[]> answer = client.send(request(exchange, backend, body),
                            HttpResponse.BodyHandlers.ofByteArray());
                    served.incrementAndGet(backend);
                    Drop lose = drop.get();
                    if (lose != null && lose.backend() == backend
                            && exchange.getRequestHeaders().containsKey(lose.header()) && drop.compareAndSet(lose, null)) {
                        failed.incrementAndGet();
                        badGateway(exchange);
                        lose.dropped().countDown();
                        return;
                    }
                    reply(exchange, answer, backend);
                    return;
                } catch (IOException e) {
                    downUntil.set(backend, System.nanoTime() + HOLD_DOWN_NANOS);
                    if (refused(e)) {
                        retried.incrementAndGet(); // never reached the node: safe to send to the next one
                        continue;
                    }
                    failed.incrementAndGet();
                    badGateway(exchange);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    badGateway(exchange);
                    return;
                } catch (RuntimeException e) {
                    // a fault of this proxy, not of a node: said so, never a silently closed connection
                    System.err.println("RoundRobinProxy could not forward " + exchange.getRequestURI() + ": " + e);
                    failed.incrementAndGet();
                    badGateway(exchange);
                    return;
                }
            }
            failed.incrementAndGet();
            badGateway(exchange);
        }
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException && !(t instanceof HttpTimeoutException)) {
                return true;
            }
        }
        return false;
    }

    private HttpRequest request(HttpExchange exchange, int backend, byte[] body) {
        URI target = backends.get(backend).resolve(exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> request.header(header.getKey(), value));
            }
        }
        return request.build();
    }

    private static void reply(HttpExchange exchange, HttpResponse<byte[]> answer, int backend) throws IOException {
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        exchange.getResponseHeaders().set(BACKEND_HEADER, Integer.toString(backend));
        byte[] body = answer.body();
        boolean empty = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void badGateway(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(502, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
