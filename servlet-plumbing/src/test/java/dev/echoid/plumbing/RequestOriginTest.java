package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RequestOriginTest {

    private final RequestOrigin issuer = new RequestOrigin(URI.create("https://Login.Example.com/identity"));

    @Test
    void postWhenOriginIsTheIssuersOrAbsentThenSameSite() {
        assertThat(issuer.isCrossSite(new FakeExchange().request())).isFalse();
        assertThat(issuer.isCrossSite(new FakeExchange().header("Origin", "https://login.example.com").request()))
                .isFalse();
        assertThat(issuer.isCrossSite(new FakeExchange().header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "https://login.example.com").request())).isFalse();
        assertThat(issuer.isCrossSite(new FakeExchange().header("Sec-Fetch-Site", "none").request())).isFalse();
        // Chromium on a page with Referrer-Policy: no-referrer posts its own form with Origin: null
        assertThat(issuer.isCrossSite(new FakeExchange().header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "null").request())).isFalse();
    }

    @Test
    void postWhenOriginIsAnotherSiteThenCrossSite() {
        for (String origin : new String[] {"https://evil.example", "http://login.example.com",
                "https://login.example.com:8443", "https://login.example.com.evil.example", ""}) {
            assertThat(issuer.isCrossSite(new FakeExchange().header("Origin", origin).request())).as(origin).isTrue();
        }
    }

    @Test
    void postWhenSameOriginClaimedBesideAnotherSitesOriginThenCrossSite() {
        assertThat(issuer.isCrossSite(new FakeExchange().header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "https://evil.example").request())).isTrue();
    }

    @Test
    void postWhenFetchMetadataSaysAnotherSiteThenCrossSiteWhateverTheOrigin() {
        for (String site : new String[] {"cross-site", "same-site", "CROSS-SITE"}) {
            assertThat(issuer.isCrossSite(new FakeExchange().header("Sec-Fetch-Site", site)
                    .header("Origin", "https://login.example.com").request())).as(site).isTrue();
        }
    }

    @Test
    void originWhenDefaultPortThenLeftOut() {
        assertThat(RequestOrigin.originOf(URI.create("https://a.example:443/x"))).isEqualTo("https://a.example");
        assertThat(RequestOrigin.originOf(URI.create("http://localhost:9000/identity")))
                .isEqualTo("http://localhost:9000");
    }
}
