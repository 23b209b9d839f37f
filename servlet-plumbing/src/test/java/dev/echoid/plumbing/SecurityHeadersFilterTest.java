package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityHeadersFilterTest {

    private static final String POLICY = "default-src 'none'; frame-ancestors 'none'";

    private final List<ServletRequest> passedOn = new ArrayList<>();

    @Test
    void requestWhenFilteredThenNoFramingNoSniffingNoReferrerAndThePolicyBeforeTheChainRuns() throws Exception {
        FakeExchange exchange = new FakeExchange();

        new SecurityHeadersFilter(POLICY) {
            private static final long serialVersionUID = 1L;
        }.doFilter(exchange.request(), exchange.response(), (request, response) -> {
            // set before anything below runs, so a redirect or an error page carries them too
            assertThat(exchange.responseHeaders).containsEntry("Content-Security-Policy", POLICY)
                    .containsEntry("X-Frame-Options", "DENY")
                    .containsEntry("X-Content-Type-Options", "nosniff")
                    .containsEntry("Referrer-Policy", "no-referrer");
            passedOn.add(request);
        });

        assertThat(passedOn).hasSize(1);
        assertThat(exchange.responseHeaders).doesNotContainKeys("Cache-Control", "Pragma");
    }

    @Test
    void requestWhenNeverCachedThenNoStoreAndPragma() throws Exception {
        FakeExchange page = new FakeExchange();
        page.requestUri = "/identity/login.xhtml";
        FakeExchange other = new FakeExchange();
        SecurityHeadersFilter filter = new SecurityHeadersFilter(POLICY) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean neverCached(HttpServletRequest request) {
                return request.getRequestURI().endsWith(".xhtml");
            }
        };

        filter.doFilter(page.request(), page.response(), (request, response) -> passedOn.add(request));
        filter.doFilter(other.request(), other.response(), (request, response) -> passedOn.add(request));

        assertThat(passedOn).hasSize(2);
        assertThat(page.responseHeaders).containsEntry("Cache-Control", "no-store").containsEntry("Pragma", "no-cache");
        assertThat(other.responseHeaders).doesNotContainKey("Cache-Control");
    }
}
