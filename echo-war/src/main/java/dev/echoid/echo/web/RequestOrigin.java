package dev.echoid.echo.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Where a browser says a request comes from: {@code Origin} (RFC 6454 §7, sent by browsers on every POST) and the
 * Fetch Metadata header {@code Sec-Fetch-Site}. The gateway's own forms are posted from the gateway's origin.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6454#section-7">RFC 6454 §7</a>
 * @see <a href="https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header">Fetch Metadata: Sec-Fetch-Site</a>
 */
final class RequestOrigin {

    private final String origin;

    /** @param site any URL of the gateway (its redirect URI): its scheme, host and port are its forms' origin */
    RequestOrigin(URI site) {
        String scheme = site.getScheme().toLowerCase(Locale.ROOT);
        int port = site.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
                || ("http".equals(scheme) && port == 80);
        this.origin = scheme + "://" + site.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /**
     * True when the browser says another site made the request: {@code Sec-Fetch-Site} {@code cross-site} or
     * {@code same-site}, or an {@code Origin} (including the opaque {@code null}) that is not the gateway's.
     */
    boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site)) {
            return true;
        }
        String given = request.getHeader("Origin");
        return given != null && !given.trim().toLowerCase(Locale.ROOT).equals(origin);
    }
}
