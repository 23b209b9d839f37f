package dev.echoid.identity.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.FakeExchange;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthPortFilterTest {

    private static final int HEALTH_PORT = 9001;

    @Test
    void requestOnHealthPortWhenNotAProbeThen404AndNothingRuns() throws Exception {
        for (String[] request : new String[][] {{"POST", "/token"}, {"GET", "/login.xhtml"}, {"GET", "/jwks"},
                {"POST", "/health/ready"}, {"GET", "/metrics"}, {"GET", "/health/readyx"}}) {
            FakeExchange exchange = exchange(request[0], request[1], HEALTH_PORT);
            AtomicInteger ran = new AtomicInteger();
            filter().doFilter(exchange.request(), exchange.response(), chain(ran));
            assertThat(exchange.status).as("%s %s on the health port", request[0], request[1]).isEqualTo(404);
            assertThat(ran).hasValue(0);
        }
    }

    @Test
    void probeOnHealthPortAndAnythingOnTheMainPortPassThrough() throws Exception {
        for (String[] request : new String[][] {{"GET", "/health/ready", "9001"}, {"HEAD", "/health/live", "9001"},
                {"POST", "/token", "9000"}, {"GET", "/health/ready", "9000"}}) {
            FakeExchange exchange = exchange(request[0], request[1], Integer.parseInt(request[2]));
            AtomicInteger ran = new AtomicInteger();
            filter().doFilter(exchange.request(), exchange.response(), chain(ran));
            assertThat(ran).as("%s %s on port %s", request[0], request[1], request[2]).hasValue(1);
        }
    }

    @Test
    void portThatIsNotATcpPortStopsTheStartUp() {
        for (String value : new String[] {"0", "65536", "ninety", "-1"}) {
            assertThatThrownBy(() -> HealthPortFilter.parse(value)).isInstanceOf(ServletException.class)
                    .hasMessageContaining("IDENTITY_HEALTH_PORT");
        }
    }

    private static HealthPortFilter filter() throws ServletException {
        HealthPortFilter filter = new HealthPortFilter();
        filter.healthPort = HEALTH_PORT;
        return filter;
    }

    private static FakeExchange exchange(String method, String path, int localPort) {
        FakeExchange exchange = new FakeExchange();
        exchange.method = method;
        exchange.requestUri = "/identity" + path;
        exchange.localPort = localPort;
        return exchange;
    }

    private static FilterChain chain(AtomicInteger ran) {
        return (request, response) -> ran.incrementAndGet();
    }
}
