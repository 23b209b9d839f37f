package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.testkit.Browser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attacker's flood: 100 workers send {@code POST /token} as a client that does not exist, without credentials, one
 * request after another. Meanwhile an orchestrator probes the provider's health on its health port, as the README
 * tells operators to configure it, with Kubernetes' default 1 s timeout, and someone else signs in through the
 * gateway again and again. Every probe must be answered {@code 200 UP} within that timeout (one missed probe is
 * how a node leaves the load balancer), every sign-in must succeed, and the flood must get standard answers only.
 * Timings are the benchmark's business; this asserts outcomes.
 */
@Timeout(180)
class UnauthenticatedFloodIT {

    private static final int FLOOD_WORKERS = 100;
    private static final Duration FLOOD_TIME = Duration.ofSeconds(15);
    /** Kubernetes' default {@code timeoutSeconds} of a probe. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final long PROBE_EVERY_MILLIS = 50;

    private static String issuer;
    private static String gateway;
    private static String health;

    @BeforeAll
    static void start() {
        DevServer system = RunningSystem.get();
        issuer = system.options().issuer();
        gateway = system.options().gateway();
        health = system.options().healthBase().orElseThrow(() -> new AssertionError("no health port configured"));
    }

    @Test
    void hundredUnknownClientWorkersAtTokenLeaveProbesAnsweredAndOthersSigningIn() throws Exception {
        HttpClient attacker = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest floodRequest = HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=no-such-client"))
                .build();
        Map<String, LongAdder> floodOutcomes = new ConcurrentHashMap<>();
        List<String> probeFailures = Collections.synchronizedList(new ArrayList<>());
        LongAdder probesAnswered = new LongAdder();
        List<String> signInFailures = Collections.synchronizedList(new ArrayList<>());
        LongAdder signIns = new LongAdder();
        AtomicBoolean flooding = new AtomicBoolean(true);

        ExecutorService pool = Executors.newFixedThreadPool(FLOOD_WORKERS + 2);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < FLOOD_WORKERS; i++) {
                tasks.add(pool.submit(() -> {
                    while (flooding.get()) {
                        floodOutcomes.computeIfAbsent(outcome(attacker, floodRequest), k -> new LongAdder())
                                .increment();
                    }
                    return null;
                }));
            }
            Thread.sleep(2000); // the flood at full strength before anyone else comes
            tasks.add(pool.submit(() -> {
                HttpClient orchestrator = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
                int probe = 0;
                while (flooding.get()) {
                    String path = probe++ % 2 == 0 ? "/health/ready" : "/health/live";
                    String failure = probeFailure(orchestrator, URI.create(health + path));
                    if (failure == null) {
                        probesAnswered.increment();
                    } else {
                        probeFailures.add(path + ": " + failure);
                    }
                    Thread.sleep(PROBE_EVERY_MILLIS);
                }
                return null;
            }));
            tasks.add(pool.submit(() -> {
                while (flooding.get()) {
                    try {
                        signInThroughGateway();
                        signIns.increment();
                    } catch (AssertionError | RuntimeException e) {
                        signInFailures.add(e.toString());
                    }
                }
                return null;
            }));
            Thread.sleep(FLOOD_TIME.toMillis());
        } finally {
            flooding.set(false);
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }

        Map<String, Long> outcomes = new TreeMap<>();
        floodOutcomes.forEach((outcome, count) -> outcomes.put(outcome, count.sum()));
        assertThat(outcomes.keySet()).as("how the flood's requests ended: %s", outcomes)
                .isNotEmpty().allMatch(outcome -> outcome.equals("HTTP 401 invalid_client")
                        || outcome.equals("HTTP 503") || outcome.equals("HTTP 429"));
        assertThat(probeFailures).as("probes not answered 200 UP within %s (of %s answered)", PROBE_TIMEOUT,
                probesAnswered.sum()).isEmpty();
        assertThat(probesAnswered.sum()).as("probes answered").isGreaterThan(20);
        assertThat(signInFailures).as("others' sign-ins that failed during the flood").isEmpty();
        assertThat(signIns.sum()).as("others' sign-ins during the flood").isPositive();
        // the flood is over: the provider answers everyone as before
        assertThat(new Browser().get(URI.create(issuer + "/health/ready")).statusCode()).isEqualTo(200);
    }

    /** How one flood request ended: its status (401 with its OAuth error), or the exception's class. */
    private static String outcome(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 401) {
                return answer.body().contains("\"error\":\"invalid_client\"") ? "HTTP 401 invalid_client"
                        : "HTTP 401 " + answer.body();
            }
            return "HTTP " + answer.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Null when the probe was answered 200 with status UP within the probe timeout; otherwise why not. */
    private static String probeFailure(HttpClient http, URI uri) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200 && answer.body().contains("\"status\":\"UP\"")) {
                return null;
            }
            return "HTTP " + answer.statusCode() + " " + answer.body();
        } catch (HttpTimeoutException e) {
            return "no answer within " + PROBE_TIMEOUT;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A whole sign-in with a new cookie jar: gateway, provider's login page, password, callback, signed-in page. */
    private static void signInThroughGateway() {
        Browser browser = new Browser();
        HttpResponse<String> home = browser.get(URI.create(gateway + "/"));
        assertThat(home.statusCode()).as("gateway /").isEqualTo(302);
        HttpResponse<String> login = browser.get(Browser.location(home));
        assertThat(login.statusCode()).as("gateway /login").isEqualTo(302);
        HttpResponse<String> callback = SingleSignOnIT.signInAtProvider(browser, Browser.location(login));
        HttpResponse<String> landed = browser.get(Browser.location(callback));
        assertThat(landed.statusCode()).as("gateway /callback: %s", landed.body()).isEqualTo(302);
        HttpResponse<String> page = browser.get(URI.create(gateway + "/"));
        assertThat(page.statusCode()).as("gateway / signed in").isEqualTo(200);
        assertThat(page.body()).contains(DevServer.DEMO_USER);
    }
}
