package dev.echoid.plumbing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request and a response as the container would hand them to a filter, for fast tests of the filter's decisions.
 * Only what the filters read is answered; anything else fails loudly.
 */
public final class FakeExchange {

    public String method = "GET";
    public String contextPath = "/identity";
    public String requestUri = "/identity/authorize";
    public String queryString;
    public String servletPath; // null: the request URI within the context
    public String pathInfo;
    public String remoteAddr = "203.0.113.10";
    public int localPort = 9000;
    public boolean secure;
    public DispatcherType dispatcherType = DispatcherType.REQUEST;
    public final Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
    public final Map<String, Object> attributes = new ConcurrentHashMap<>();

    public int status = 200;
    public final Map<String, String> responseHeaders = new LinkedHashMap<>();
    public final StringWriter body = new StringWriter();
    public String contentType;

    public FakeExchange header(String name, String value) {
        requestHeaders.computeIfAbsent(name.toLowerCase(), n -> new ArrayList<>()).add(value);
        return this;
    }

    public HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getContextPath" -> contextPath;
                    case "getRequestURI" -> requestUri;
                    case "getServletPath" -> servletPath != null ? servletPath
                            : requestUri.substring(contextPath.length());
                    case "getPathInfo" -> pathInfo;
                    case "getQueryString" -> queryString;
                    case "getRemoteAddr" -> remoteAddr;
                    case "getLocalPort" -> localPort;
                    case "isSecure" -> secure;
                    case "getScheme" -> secure ? "https" : "http";
                    case "getDispatcherType" -> dispatcherType;
                    case "getHeader" -> requestHeaders.getOrDefault(((String) args[0]).toLowerCase(), List.of())
                            .stream().findFirst().orElse(null);
                    case "getHeaders" -> Collections.enumeration(
                            requestHeaders.getOrDefault(((String) args[0]).toLowerCase(), List.of()));
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> args[1] == null ? attributes.remove((String) args[0])
                            : attributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    case "toString" -> "FakeRequest " + method + " " + requestUri;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("request." + m.getName());
                });
    }

    public HttpServletResponse response() {
        PrintWriter writer = new PrintWriter(body);
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus", "sendError" -> status = (Integer) args[0];
                        case "setHeader" -> responseHeaders.put((String) args[0], (String) args[1]);
                        case "setContentType" -> contentType = (String) args[0];
                        case "getStatus" -> {
                            return status;
                        }
                        case "setCharacterEncoding" -> { }
                        case "getWriter" -> {
                            return writer;
                        }
                        case "toString" -> {
                            return "FakeResponse";
                        }
                        default -> throw new UnsupportedOperationException("response." + m.getName());
                    }
                    return null;
                });
    }
}
