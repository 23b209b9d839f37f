package dev.echoid.echo.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The protective headers of {@link Responses} on every response of the gateway, set before anything else runs, so
 * redirects, error pages and anything the container writes itself carry them too. Mapped first in {@code web.xml}.
 */
public final class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Responses.protectiveHeaders(response);
        chain.doFilter(request, response);
    }
}
