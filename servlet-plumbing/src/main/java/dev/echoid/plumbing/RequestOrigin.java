package dev.echoid.plumbing;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Where a browser says a request comes from: the {@code Origin} header (RFC 6454 §7, sent by browsers on every POST)
 * and the Fetch Metadata header {@code Sec-Fetch-Site}. A form of this site is posted from this site's origin; one
 * that says another site was not made by the person on this site's page.
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
     * True when the browser says another site made the request. {@code Sec-Fetch-Site}, when sent, decides:
     * {@code cross-site} or {@code same-site} (a sibling host is another origin) is refused, and so is an
     * {@code Origin} of another site beside it. Without it, an {@code Origin} that is not this site's is refused.
     * {@code Origin: null} alone proves nothing: browsers send it for a page's own form when the page's
     * {@code Referrer-Policy} is {@code no-referrer} (as here), so it is left to the form's token, as is a request
     * without either header (an older browser, a program).
     */
    public boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site)) {
            return true;
        }
        String given = request.getHeader("Origin");
        if (given == null || given.trim().equals("null")) {
            return false;
        }
        return !given.trim().toLowerCase(Locale.ROOT).equals(origin);
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
