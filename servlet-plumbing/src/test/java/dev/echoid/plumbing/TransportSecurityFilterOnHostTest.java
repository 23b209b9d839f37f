package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's case: the https twin on the host of a configured URL (its redirect URI), not of the context root. */
class TransportSecurityFilterOnHostTest {

    private static final URI REDIRECT_URI = URI.create("https://gw.example:8443/app/callback");

    private final List<ServletRequest> passedOn = new ArrayList<>();

    private FakeExchange run(FakeExchange exchange, String trustedProxies) throws Exception {
        TransportSecurityFilter filter = TransportSecurityFilter.of(TransportSecurity.onHostOf(REDIRECT_URI,
                exchange.contextPath, TrustedProxies.parse("ECHO_TRUSTED_PROXIES", trustedProxies)));
        filter.doFilter(exchange.request(), exchange.response(), (request, response) -> passedOn.add(request));
        exchange.body.flush();
        return exchange;
    }

    @Test
    void getWhenPlainHttpThenPermanentRedirectOnConfiguredOriginNotHostHeader() throws Exception {
        FakeExchange exchange = gatewayExchange().header("Host", "evil.example");
        exchange.contextPath = "/app";
        exchange.requestUri = "/app/login";
        exchange.queryString = "return_to=%2Fx";

        run(exchange, "");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(301);
        assertThat(exchange.responseHeaders).containsEntry("Location",
                "https://gw.example:8443/app/login?return_to=%2Fx");
    }

    @Test
    void postWhenPlainHttpThen403JsonAndNotProcessed() throws Exception {
        FakeExchange exchange = gatewayExchange();
        exchange.method = "POST";
        exchange.requestUri = "/backchannel-logout";

        run(exchange, "");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(403);
        JsonNode body = new ObjectMapper().readTree(exchange.body.toString());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("error_description").asText()).isEqualTo("HTTPS is required");
        assertThat(exchange.responseHeaders).containsEntry("Cache-Control", "no-store");
    }

    @Test
    void getWhenPlainHttpWithAuthorizationThen403() throws Exception {
        FakeExchange exchange = gatewayExchange().header("Authorization", "Basic eDp5");

        run(exchange, "");

        assertThat(exchange.status).isEqualTo(403);
    }

    @Test
    void requestWhenTrustedProxySaysHttpsThenPassedOnAsSecureWithHsts() throws Exception {
        FakeExchange exchange = gatewayExchange().header("X-Forwarded-Proto", "HTTPS");
        exchange.remoteAddr = "10.9.8.7";
        exchange.method = "POST";

        run(exchange, "10.0.0.0/8");

        assertThat(passedOn).hasSize(1);
        assertThat(passedOn.get(0).isSecure()).isTrue();
        assertThat(exchange.responseHeaders).containsEntry("Strict-Transport-Security",
                "max-age=31536000; includeSubDomains");
    }

    @Test
    void requestWhenUntrustedAddressSaysHttpsThenHeaderIgnored() throws Exception {
        FakeExchange exchange = gatewayExchange().header("X-Forwarded-Proto", "https");
        exchange.remoteAddr = "198.51.100.1";

        run(exchange, "10.0.0.0/8");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(301);
    }

    @Test
    void requestWhenTlsAtContainerThenPassedOnWithHsts() throws Exception {
        FakeExchange exchange = gatewayExchange();
        exchange.secure = true;

        run(exchange, "");

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).containsKey("Strict-Transport-Security");
    }

    @Test
    void errorDispatchWhenPlainThenPassedOnUntouched() throws Exception {
        FakeExchange exchange = gatewayExchange();
        exchange.dispatcherType = DispatcherType.ERROR;

        run(exchange, "");

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).isEmpty();
    }

    @Test
    void requestWhenDevModeThenNothingChanges() throws Exception {
        FakeExchange exchange = gatewayExchange();
        exchange.method = "POST";

        TransportSecurityFilter.of(null).doFilter(exchange.request(), exchange.response(),
                (request, response) -> passedOn.add(request));

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).isEmpty();
    }

    @Test
    void healthProbeWhenPlainHttpThenServedWithoutRedirectOrHsts() throws Exception {
        for (String probe : new String[] {"/health/live", "/health/ready"}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                FakeExchange exchange = gatewayExchange();
                exchange.contextPath = "/app";
                exchange.requestUri = "/app" + probe;
                exchange.method = method;

                run(exchange, "");

                assertThat(exchange.status).as(method + " " + probe).isEqualTo(200);
                assertThat(exchange.responseHeaders).doesNotContainKeys("Location", "Strict-Transport-Security");
            }
        }
        assertThat(passedOn).hasSize(4);
    }

    @Test
    void healthProbeWhenMappedAsServletPathAndPathInfoThenRecognised() throws Exception {
        FakeExchange exchange = gatewayExchange();
        exchange.contextPath = "/app";
        exchange.requestUri = "/app/health/ready";
        exchange.servletPath = "/health";
        exchange.pathInfo = "/ready";

        run(exchange, "");

        assertThat(passedOn).hasSize(1);
    }

    @Test
    void requestWhenNotExactlyAHealthProbeThenStillTlsOnly() throws Exception {
        String[][] cases = {{"POST", "/health/ready"}, {"GET", "/health/readyx"}, {"GET", "/health"},
            {"GET", "/health/ready/more"}, {"GET", "/metrics"}, {"PUT", "/health/live"}};
        for (String[] request : cases) {
            FakeExchange exchange = gatewayExchange();
            exchange.contextPath = "/app";
            exchange.method = request[0];
            exchange.requestUri = "/app" + request[1];

            run(exchange, "");

            assertThat(exchange.status).as(request[0] + " " + request[1]).isIn(301, 403);
        }
        assertThat(passedOn).isEmpty();
    }

    /** A request as the gateway sees one: the application at the root context, by default. */
    private static FakeExchange gatewayExchange() {
        FakeExchange exchange = new FakeExchange();
        exchange.contextPath = "";
        exchange.requestUri = "/api/echo";
        return exchange;
    }
}
