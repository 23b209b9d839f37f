package dev.echoid.identity.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Where a browser says a request comes from: the {@code Origin} header (RFC 6454 §7, sent by browsers on every POST)
 * and the Fetch Metadata header {@code Sec-Fetch-Site}. A form of this site is posted from this site's origin; one
 * that says another site (or an opaque origin, {@code null}) was not made by the person on this site's page.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6454#section-7">RFC 6454 §7</a>
 * @see <a href="https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header">Fetch Metadata: Sec-Fetch-Site</a>
 */
public final class RequestOrigin {

    private final String origin;

    /** @param site any URL of this site (the issuer): its scheme, host and port are the origin forms come from */
    public RequestOrigin(URI site) {
        this.origin = originOf(site);
    }

    /**
     * True when the browser says the request was made by another site: {@code Sec-Fetch-Site} is
     * {@code cross-site} or {@code same-site} (a sibling host is another origin), or an {@code Origin} is present
     * and is not this site's. A request without either header (an older browser, a program) is left to the form's
     * token.
     */
    public boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site)) {
            return true;
        }
        String given = request.getHeader("Origin");
        return given != null && !given.trim().toLowerCase(Locale.ROOT).equals(origin);
    }

    /** RFC 6454 §6.2: scheme "://" host, and ":" port unless it is the scheme's default; in lower case. */
    static String originOf(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
                || ("http".equals(scheme) && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
