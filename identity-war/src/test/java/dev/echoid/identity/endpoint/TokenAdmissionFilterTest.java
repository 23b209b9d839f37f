package dev.echoid.identity.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.SettingsSource;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenAdmissionFilterTest {

    @Test
    void tokenRequestsBeyondTheConcurrencyWaitThenGet503TemporarilyUnavailableWithRetryAfter() throws Exception {
        TokenAdmissionFilter filter = new TokenAdmissionFilter();
        filter.admitted = new Semaphore(2, true);
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        FilterChain slow = (request, response) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Map<String, Object>> first = CompletableFuture.supplyAsync(() -> call(filter, slow), threads);
        CompletableFuture<Map<String, Object>> second = CompletableFuture.supplyAsync(() -> call(filter, slow),
                threads);
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        Map<String, Object> third = call(filter, slow);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(third.get("status")).isEqualTo(503);
        assertThat(third.get("Retry-After")).isEqualTo("1");
        assertThat(third.get("Cache-Control")).isEqualTo("no-store");
        assertThat(third.get("contentType")).isEqualTo("application/json");
        assertThat((String) third.get("body")).contains("\"error\":\"temporarily_unavailable\"");
        assertThat(waitedMillis).as("it waited its turn first").isGreaterThanOrEqualTo(
                TokenAdmissionFilter.QUEUE_TIMEOUT_MILLIS - 50);

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).get("status")).isEqualTo(200);
        assertThat(second.get(10, TimeUnit.SECONDS).get("status")).isEqualTo(200);
        assertThat(mostAtOnce).hasValue(2);
        threads.shutdown();
        // the permits came back: the next one is admitted at once
        assertThat(call(filter, (request, response) -> { }).get("status")).isEqualTo(200);
    }

    @Test
    void concurrencyIsTheSettingElseThePoolSizeElseTen() throws Exception {
        assertThat(TokenAdmissionFilter.concurrency(SettingsSource.of(Map.of()))).isEqualTo(10);
        assertThat(TokenAdmissionFilter.concurrency(SettingsSource.of(Map.of("IDENTITY_DB_POOL_SIZE", "24"))))
                .isEqualTo(24);
        assertThat(TokenAdmissionFilter.concurrency(SettingsSource.of(Map.of("IDENTITY_DB_POOL_SIZE", "24",
                "IDENTITY_TOKEN_CONCURRENCY", "6")))).isEqualTo(6);
        for (String bad : new String[] {"0", "-3", "many"}) {
            assertThatThrownBy(() -> TokenAdmissionFilter.concurrency(SettingsSource.of(Map.of(
                    "IDENTITY_TOKEN_CONCURRENCY", bad)))).isInstanceOf(ServletException.class)
                    .hasMessageContaining("IDENTITY_TOKEN_CONCURRENCY");
        }
    }

    /** One POST /token through the filter; what the response was given. */
    private static Map<String, Object> call(TokenAdmissionFilter filter, FilterChain chain) {
        Map<String, Object> seen = new HashMap<>();
        seen.put("status", 200);
        StringWriter body = new StringWriter();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                TokenAdmissionFilterTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> "POST";
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> throw new UnsupportedOperationException("request." + m.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                TokenAdmissionFilterTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> seen.put("status", args[0]);
                        case "setHeader" -> seen.put((String) args[0], args[1]);
                        case "setContentType" -> seen.put("contentType", args[0]);
                        case "setCharacterEncoding" -> { }
                        case "getWriter" -> {
                            return new PrintWriter(body, true);
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        default -> throw new UnsupportedOperationException("response." + m.getName());
                    }
                    return null;
                });
        try {
            filter.doFilter(request, response, chain);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        seen.put("body", body.toString());
        return seen;
    }
}
