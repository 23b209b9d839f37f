package dev.echoid.identity.login;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;

/**
 * Whether a form's action came as a POST from the provider's own pages. Faces takes any request that carries a view
 * state as a postback, GET included, so the method is checked; and a browser says where a POST came from
 * ({@code Sec-Fetch-Site}, {@code Origin}): another site's, or a same-site neighbour's (the gateway on another
 * port), is refused. {@code Sec-Fetch-Site} decides when it is sent; {@code Origin} only when it names an origin
 * (under the pages' {@code Referrer-Policy: no-referrer} a browser sends {@code null} for its own forms too). A
 * browser that sends neither is still bound by the SameSite cookies the pages rely on.
 */
final class SameOriginPost {

    private SameOriginPost() {
    }

    static boolean accepts(HttpServletRequest request, URI issuer) {
        if (!"POST".equals(request.getMethod())) {
            return false;
        }
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            return fetchSite.equals("same-origin") || fetchSite.equals("none");
        }
        // the pages' Referrer-Policy: no-referrer makes browsers send "Origin: null" for their own POSTs
        String origin = request.getHeader("Origin");
        return origin == null || origin.equals("null") || origin.equalsIgnoreCase(originOf(issuer));
    }

    private static String originOf(URI issuer) {
        int port = issuer.getPort();
        return issuer.getScheme() + "://" + issuer.getHost() + (port == -1 ? "" : ":" + port);
    }
}
