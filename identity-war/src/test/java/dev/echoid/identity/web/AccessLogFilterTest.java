package dev.echoid.identity.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.CapturedLog;
import dev.echoid.plumbing.AccessLogLine;
import dev.echoid.plumbing.FakeExchange;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access line's login id belongs to its request alone: container threads are pooled and reused, and part of a
 * request's work may run on another thread, so the id is carried by the request, never by the thread.
 */
class AccessLogFilterTest {

    private CapturedLog access;
    private List<String> lines;
    private AccessLogFilter filter;

    @BeforeEach
    void captureAccessLines() throws ServletException {
        access = CapturedLog.of("dev.echoid.access"); // off in the tests' logging.properties
        lines = access.lines;
        filter = new AccessLogFilter();
        filter.init(config());
    }

    @AfterEach
    void stopCapturing() {
        access.close();
    }

    @Test
    void requestOnAReusedThreadNeverNamesTheLoginIdOfTheRequestBefore() throws Exception {
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try {
            oneThread.submit(() -> serve("/identity/login.xhtml", "login-of-alice")).get();
            // a request that fails after noting leaves nothing behind on the thread either
            oneThread.submit(() -> assertThatThrownBy(() -> serve("/identity/token", "login-of-bob",
                    new IllegalStateException("boom"))).hasMessage("boom")).get();
            oneThread.submit(() -> serve("/identity/jwks", null)).get();
        } finally {
            oneThread.shutdownNow();
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("path=/identity/login.xhtml status=200").endsWith(" login_id=login-of-alice");
        assertThat(lines.get(1)).contains("path=/identity/token status=500").endsWith(" login_id=login-of-bob");
        assertThat(lines.get(2)).contains("path=/identity/jwks status=200").endsWith(" login_id=-");
    }

    @Test
    void concurrentRequestsOnPooledThreadsEachNameOnlyTheirOwnLoginId() throws Exception {
        int requests = 200;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CyclicBarrier interleave = new CyclicBarrier(4);
        try {
            List<Future<?>> served = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                // every fourth request notes nothing: it must not inherit a neighbour's or a predecessor's id
                served.add(pool.submit(() -> serve("/identity/r" + n, n % 4 == 3 ? null : "login-" + n, null,
                        interleave)));
            }
            for (Future<?> future : served) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(lines).hasSize(requests);
        for (String line : lines) {
            String n = line.substring(line.indexOf("path=/identity/r") + 16, line.indexOf(" status="));
            assertThat(line).endsWith(Integer.parseInt(n) % 4 == 3 ? " login_id=-" : " login_id=login-" + n);
        }
    }

    @Test
    void loginIdNotedByWorkOnAnotherThreadStillReachesItsRequestsLine() throws Exception {
        FakeExchange exchange = exchange("/identity/end_session");
        filter.doFilter(exchange.request(), exchange.response(), (request, response) -> {
            // part of the request's work done elsewhere (an async callback), joined before the answer
            CompletableFuture.runAsync(() -> AccessLogLine.noteLoginId(request, "login-of-carol")).join();
        });
        assertThat(lines).singleElement().asString().endsWith(" login_id=login-of-carol");
    }

    private Void serve(String path, String loginId) throws Exception {
        return serve(path, loginId, null, null);
    }

    private Void serve(String path, String loginId, RuntimeException failure) throws Exception {
        return serve(path, loginId, failure, null);
    }

    private Void serve(String path, String loginId, RuntimeException failure, CyclicBarrier interleave)
            throws Exception {
        FakeExchange exchange = exchange(path);
        FilterChain chain = (request, response) -> {
            await(interleave); // the requests of one round all run at once, on different threads
            AccessLogLine.noteLoginId(request, loginId);
            await(interleave); // ... and each has noted before any completes
            if (failure != null) {
                throw failure;
            }
        };
        filter.doFilter(exchange.request(), exchange.response(), chain);
        return null;
    }

    private static void await(CyclicBarrier barrier) {
        if (barrier == null) {
            return;
        }
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static FakeExchange exchange(String path) {
        FakeExchange exchange = new FakeExchange();
        exchange.requestUri = path;
        exchange.remoteAddr = "127.0.0.1";
        return exchange;
    }

    private static FilterConfig config() {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(AccessLogFilterTest.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getInitParameter" -> null;
                    case "getInitParameterNames" -> Collections.emptyEnumeration();
                    default -> throw new UnsupportedOperationException("context." + m.getName());
                });
        return (FilterConfig) Proxy.newProxyInstance(AccessLogFilterTest.class.getClassLoader(),
                new Class<?>[] {FilterConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getServletContext" -> context;
                    case "getFilterName" -> "accessLog";
                    case "getInitParameter" -> null;
                    case "getInitParameterNames" -> Collections.emptyEnumeration();
                    default -> throw new UnsupportedOperationException("config." + m.getName());
                });
    }
}
