package dev.echoid.identity.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.plumbing.FakeExchange;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DeferredFilterTest {

    private static final FilterConfig CONFIG = new FilterConfig() {
        @Override
        public String getFilterName() {
            return "protocol";
        }

        @Override
        public ServletContext getServletContext() {
            return null;
        }

        @Override
        public String getInitParameter(String name) {
            return null;
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.emptyEnumeration();
        }
    };

    @Test
    void requestWhenNothingPublishedThen503AndNotLetThroughUnfiltered() throws Exception {
        FakeExchange exchange = new FakeExchange();
        List<String> ran = new CopyOnWriteArrayList<>();
        DeferredFilter deferred = new DeferredFilter();
        deferred.init(CONFIG);
        deferred.doFilter(exchange.request(), exchange.response(), chain(ran));
        assertThat(exchange.status).isEqualTo(503);
        assertThat(ran).isEmpty();
    }

    @Test
    void publishBeforeOrAfterTheContainerInitialisesThenDelegateInitialisedOnceWithItsConfigAndServes()
            throws Exception {
        for (boolean publishFirst : new boolean[] {true, false}) {
            List<String> ran = new CopyOnWriteArrayList<>();
            DeferredFilter deferred = new DeferredFilter();
            Filter delegate = new Filter() {
                @Override
                public void init(FilterConfig config) {
                    ran.add("init " + config.getFilterName());
                }

                @Override
                public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                        FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
                    ran.add("delegate");
                    chain.doFilter(request, response);
                }
            };
            if (publishFirst) {
                deferred.publish(delegate);
                deferred.init(CONFIG);
            } else {
                deferred.init(CONFIG);
                deferred.publish(delegate);
            }
            FakeExchange exchange = new FakeExchange();
            deferred.doFilter(exchange.request(), exchange.response(), chain(ran));
            assertThat(ran).as("published first: %s", publishFirst).containsExactly("init protocol", "delegate",
                    "chain");
            assertThatThrownBy(() -> deferred.publish(delegate)).isInstanceOf(IllegalStateException.class);
        }
    }

    private static FilterChain chain(List<String> ran) {
        return (request, response) -> ran.add("chain");
    }
}
