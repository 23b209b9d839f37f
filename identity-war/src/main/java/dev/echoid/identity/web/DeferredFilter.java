package dev.echoid.identity.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A filter registered when the web application starts (the only time the container allows it) and built later, when
 * what it needs exists: the protocol endpoints and the form protection need the database, which may appear after
 * the deployment. {@link StartupGate}, in front, answers every request until the start-up published them all, so a
 * request reaches this filter only once its delegate is in place; should one arrive sooner, it is refused with 503,
 * never let through unfiltered.
 */
public final class DeferredFilter implements Filter {

    private FilterConfig config;
    private volatile Filter delegate;

    @Override
    public synchronized void init(FilterConfig filterConfig) throws ServletException {
        config = filterConfig;
        if (delegate != null) {
            delegate.init(config);
        }
    }

    /** Initialises {@code filter} (now, or when the container initialises this one) and serves through it. */
    public synchronized void publish(Filter filter) throws ServletException {
        if (delegate != null) {
            throw new IllegalStateException("already published");
        }
        if (config != null) {
            filter.init(config);
        }
        delegate = filter;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Filter filter = delegate;
        if (filter == null) {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        filter.doFilter(request, response, chain);
    }

    @Override
    public synchronized void destroy() {
        if (delegate != null) {
            delegate.destroy();
        }
    }
}
