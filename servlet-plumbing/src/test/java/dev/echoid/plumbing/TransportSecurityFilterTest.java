package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportSecurityFilterTest {

    private static final URI ISSUER = URI.create("https://login.example.com/identity");

    private final List<ServletRequest> passedOn = new ArrayList<>();

    private FakeExchange run(FakeExchange exchange, String trustedProxies) throws Exception {
        TransportSecurityFilter filter = TransportSecurityFilter.of(new TransportSecurity(ISSUER,
                trustedProxies.isEmpty() ? TrustedProxies.none()
                        : TrustedProxies.parse("IDENTITY_TRUSTED_PROXIES", trustedProxies)));
        filter.doFilter(exchange.request(), exchange.response(), (request, response) -> passedOn.add(request));
        exchange.body.flush();
        return exchange;
    }

    @Test
    void getWhenPlainHttpThenPermanentRedirectToSamePathUnderIssuer() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.requestUri = "/identity/login.xhtml";
        exchange.queryString = "request=abc%20d";
        exchange.header("Host", "evil.example");

        run(exchange, "");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(301);
        assertThat(exchange.responseHeaders).containsEntry("Location",
                "https://login.example.com/identity/login.xhtml?request=abc%20d");
        assertThat(exchange.responseHeaders).doesNotContainKey("Strict-Transport-Security");
    }

    @Test
    void getWhenContextRootThenRedirectToIssuer() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.requestUri = "/identity";
        exchange.method = "HEAD";

        run(exchange, "");

        assertThat(exchange.status).isEqualTo(301);
        assertThat(exchange.responseHeaders).containsEntry("Location", "https://login.example.com/identity");
    }

    @Test
    void getWhenPathLooksLikeAnotherHostThenRedirectStaysOnIssuerHost() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.requestUri = "/identity//evil.example/x";

        run(exchange, "");

        assertThat(URI.create(exchange.responseHeaders.get("Location")).getHost()).isEqualTo("login.example.com");
    }

    @Test
    void postWhenPlainHttpThen403JsonAndNotProcessed() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.method = "POST";
        exchange.requestUri = "/identity/token";

        run(exchange, "");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(403);
        assertThat(exchange.contentType).isEqualTo("application/json");
        assertThat(exchange.responseHeaders).containsEntry("Cache-Control", "no-store");
        assertThat(exchange.body.toString())
                .isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"HTTPS is required\"}");
    }

    @Test
    void getWhenPlainHttpWithBearerTokenThen403NotRedirect() throws Exception {
        FakeExchange exchange = new FakeExchange().header("Authorization", "Bearer abc");
        exchange.requestUri = "/identity/userinfo";

        run(exchange, "");

        assertThat(exchange.status).isEqualTo(403);
        assertThat(exchange.responseHeaders).doesNotContainKey("Location");
    }

    @Test
    void requestWhenTlsAtContainerThenPassedOnWithHsts() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.secure = true;
        exchange.method = "POST";

        run(exchange, "");

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).containsEntry("Strict-Transport-Security",
                "max-age=31536000; includeSubDomains");
    }

    @Test
    void requestWhenTrustedProxySaysHttpsThenPassedOnAsSecure() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-Proto", "https");
        exchange.remoteAddr = "10.0.3.4";
        exchange.method = "POST";

        run(exchange, "10.0.0.0/16");

        assertThat(passedOn).hasSize(1);
        assertThat(passedOn.get(0).isSecure()).isTrue();
        assertThat(passedOn.get(0).getScheme()).isEqualTo("https");
        assertThat(exchange.responseHeaders).containsKey("Strict-Transport-Security");
    }

    @Test
    void requestWhenUntrustedAddressSaysHttpsThenHeaderIgnored() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-Proto", "https");
        exchange.remoteAddr = "10.1.0.1";
        exchange.method = "POST";

        run(exchange, "10.0.0.0/16");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(403);
    }

    @Test
    void requestWhenNoProxiesConfiguredThenForwardedProtoIgnoredEvenFromLoopback() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-Proto", "https");
        exchange.remoteAddr = "127.0.0.1";

        run(exchange, "");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(301);
    }

    @Test
    void requestWhenTrustedProxyAppendedHttpToForgedHttpsThenPlain() throws Exception {
        // the client sent "https" itself; the proxy appended what it saw
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-Proto", "https, http");
        exchange.remoteAddr = "10.0.0.1";

        run(exchange, "10.0.0.1");

        assertThat(passedOn).isEmpty();
        assertThat(exchange.status).isEqualTo(301);
    }

    @Test
    void requestWhenTrustedProxySaysHttpThenRedirected() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-Proto", "http");
        exchange.remoteAddr = "::1";

        run(exchange, "::1");

        assertThat(exchange.status).isEqualTo(301);
    }

    @Test
    void errorDispatchWhenPlainThenPassedOnUntouched() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.dispatcherType = DispatcherType.ERROR;

        run(exchange, "");

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).isEmpty();
    }

    @Test
    void requestWhenDevModeThenNothingChanges() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.method = "POST";
        TransportSecurityFilter devMode = TransportSecurityFilter.of(null);

        devMode.doFilter(exchange.request(), exchange.response(), (request, response) -> passedOn.add(request));

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).isEmpty();
        assertThat(exchange.status).isEqualTo(200);
    }

    @Test
    void healthProbeWhenPlainHttpThenServedWithoutRedirectOrHsts() throws Exception {
        for (String probe : new String[] {"/health/live", "/health/ready"}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                FakeExchange exchange = new FakeExchange();
                exchange.contextPath = "/identity";
                exchange.requestUri = "/identity" + probe;
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
        FakeExchange exchange = new FakeExchange();
        exchange.contextPath = "/identity";
        exchange.requestUri = "/identity/health/ready";
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
            FakeExchange exchange = new FakeExchange();
            exchange.contextPath = "/identity";
            exchange.method = request[0];
            exchange.requestUri = "/identity" + request[1];

            run(exchange, "");

            assertThat(exchange.status).as(request[0] + " " + request[1]).isIn(301, 403);
        }
        assertThat(passedOn).isEmpty();
    }

    // --- the client's address for code below (audit rows, brute-force counts) ---

    private void runWith(FakeExchange exchange, TransportSecurity transport, String trustedProxies) throws Exception {
        TrustedProxies proxies = TrustedProxies.parse("IDENTITY_TRUSTED_PROXIES", trustedProxies);
        TransportSecurityFilter.of(transport, proxies).doFilter(exchange.request(), exchange.response(),
                (request, response) -> passedOn.add(request));
    }

    @Test
    void requestWhenTrustedProxyForwardsForAClientThenCodeBelowSeesTheClientsAddress() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-For", "192.0.2.1, 198.51.100.23");
        exchange.remoteAddr = "10.0.3.4";
        exchange.method = "POST";

        runWith(exchange, new TransportSecurity(ISSUER, TrustedProxies.parse("x", "10.0.0.0/16")), "10.0.0.0/16");

        assertThat(passedOn).hasSize(1);
        assertThat(passedOn.get(0).getRemoteAddr()).isEqualTo("198.51.100.23");
        assertThat(passedOn.get(0).isSecure()).isTrue();
    }

    @Test
    void requestWhenUntrustedPeerSendsXForwardedForThenItsOwnAddressInDevModeToo() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-For", "198.51.100.23");
        exchange.remoteAddr = "203.0.113.10";

        runWith(exchange, null, "10.0.0.0/8");

        assertThat(passedOn).hasSize(1);
        assertThat(passedOn.get(0).getRemoteAddr()).isEqualTo("203.0.113.10");
    }

    @Test
    void requestWhenDevModeBehindTrustedProxyThenTheClientsAddress() throws Exception {
        FakeExchange exchange = new FakeExchange().header("X-Forwarded-For", "198.51.100.23");
        exchange.remoteAddr = "127.0.0.1";

        runWith(exchange, null, "127.0.0.1");

        assertThat(passedOn.get(0).getRemoteAddr()).isEqualTo("198.51.100.23");
    }
}
