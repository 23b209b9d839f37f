package dev.echoid.plumbing;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;

/**
 * The request as the client's side of the trusted proxies sees it: {@code getRemoteAddr()} is the client's address
 * ({@link TrustedProxies#clientAddress}), so the audit trail, the brute-force counts and the access line all name the
 * client, never the proxy every visitor shares.
 */
public final class ForwardedClient {

    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private ForwardedClient() {
    }

    /** The client's address of a request as it arrived from the network. */
    public static String address(HttpServletRequest request, TrustedProxies trustedProxies) {
        return trustedProxies.clientAddress(request.getRemoteAddr(),
                Collections.list(request.getHeaders(FORWARDED_FOR)));
    }

    /** {@code request} with the client's address; the same request when no trusted proxy forwarded it. */
    public static HttpServletRequest of(HttpServletRequest request, TrustedProxies trustedProxies) {
        String client = address(request, trustedProxies);
        if (client == null || client.equals(request.getRemoteAddr())) {
            return request;
        }
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteAddr() {
                return client;
            }

            @Override
            public String getRemoteHost() {
                return client; // no reverse lookup, as Tomcat's default
            }
        };
    }
}
