package dev.echoid.echo.web;

import jakarta.servlet.http.HttpServletRequest;

/** Paths as the gateway reasons about them: within the application, whatever context path it is deployed at. */
final class RequestPaths {

    private RequestPaths() {
    }

    /** The decoded, container-normalized path below the context path, e.g. {@code /api/echo}. */
    static String withinApp(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
        String path = servletPath + pathInfo;
        return path.isEmpty() ? "/" : path;
    }

    /** The path and query as the browser sent them (still percent-encoded), below the context path. */
    static String originalPathAndQuery(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : withinApp(request);
        if (path.isEmpty()) {
            path = "/";
        }
        String query = request.getQueryString();
        return query == null ? path : path + "?" + query;
    }
}
