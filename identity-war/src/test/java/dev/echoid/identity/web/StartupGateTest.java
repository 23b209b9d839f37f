package dev.echoid.identity.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.health.StartupState;
import dev.echoid.plumbing.FakeExchange;
import jakarta.servlet.FilterChain;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupGateTest {

    @Test
    void requestWhenNotStartedThen503WithRetryAfterJsonForAProgramPageForABrowserAndNothingRuns() throws Exception {
        StartupState state = new StartupState();
        for (String path : new String[] {"/token", "/authorize", "/login.xhtml", "/jwks",
                "/.well-known/openid-configuration", "/metrics", "/health/readyx", "/"}) {
            FakeExchange program = exchange(path);
            AtomicInteger ran = new AtomicInteger();
            new StartupGate(state).doFilter(program.request(), program.response(), chain(ran));
            assertThat(program.status).as(path).isEqualTo(503);
            assertThat(program.responseHeaders).containsEntry("Retry-After", "10").containsEntry("Cache-Control",
                    "no-store");
            assertThat(program.contentType).startsWith("application/json");
            assertThat(program.body.toString()).contains("\"error\":\"temporarily_unavailable\"");

            FakeExchange person = exchange(path).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
            new StartupGate(state).doFilter(person.request(), person.response(), chain(ran));
            assertThat(person.status).as(path).isEqualTo(503);
            assertThat(person.responseHeaders).containsKey("Retry-After");
            assertThat(person.contentType).startsWith("text/html");
            assertThat(person.body.toString()).contains("<title>").contains("try again");
            assertThat(ran).as(path).hasValue(0);
        }
    }

    @Test
    void probesWhenNotStartedThenLiveUpAndReadyDownWithPhaseAndReason() throws Exception {
        StartupState state = new StartupState();
        state.waitingForDatabase("the database cannot be reached yet");
        FakeExchange live = exchange("/health/live");
        new StartupGate(state).doFilter(live.request(), live.response(), chain(new AtomicInteger()));
        assertThat(live.status).isEqualTo(200);
        assertThat(live.body.toString()).isEqualTo("{\"status\":\"UP\"}");

        FakeExchange ready = exchange("/health/ready");
        new StartupGate(state).doFilter(ready.request(), ready.response(), chain(new AtomicInteger()));
        assertThat(ready.status).isEqualTo(503);
        assertThat(ready.body.toString()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"startup\":{\"status\":"
                + "\"DOWN\",\"phase\":\"waiting_for_database\",\"reason\":\"the database cannot be reached yet\"}}}");

        state.failed("a \"quoted\" reason");
        FakeExchange failed = exchange("/health/ready");
        new StartupGate(state).doFilter(failed.request(), failed.response(), chain(new AtomicInteger()));
        assertThat(failed.body.toString()).contains("\"phase\":\"failed\"")
                .contains("\"reason\":\"a \\\"quoted\\\" reason\"");
    }

    @Test
    void stylesheetOfThePageAndEverythingOnceReadyPassThrough() throws Exception {
        StartupState state = new StartupState();
        AtomicInteger ran = new AtomicInteger();
        for (String path : new String[] {"/resources/css/login.css", "/error/500.html"}) {
            FakeExchange exchange = exchange(path);
            new StartupGate(state).doFilter(exchange.request(), exchange.response(), chain(ran));
        }
        assertThat(ran).hasValue(2);

        state.migrating();
        state.ready();
        for (String path : new String[] {"/token", "/health/ready", "/health/live", "/login.xhtml"}) {
            FakeExchange exchange = exchange(path);
            new StartupGate(state).doFilter(exchange.request(), exchange.response(), chain(ran));
            assertThat(exchange.status).as(path).isEqualTo(200);
        }
        assertThat(ran).hasValue(6);
    }

    private static FakeExchange exchange(String path) {
        FakeExchange exchange = new FakeExchange();
        exchange.method = path.equals("/token") ? "POST" : "GET";
        exchange.requestUri = "/identity" + path;
        return exchange;
    }

    private static FilterChain chain(AtomicInteger ran) {
        return (request, response) -> ran.incrementAndGet();
    }
}
