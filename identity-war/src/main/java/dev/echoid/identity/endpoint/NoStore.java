package dev.echoid.identity.endpoint;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Response details shared by the protocol endpoints. */
final class NoStore {

    private NoStore() {
    }

    /** RFC 6749 §5.1: responses with tokens or credentials MUST carry Cache-Control: no-store. */
    static Response.ResponseBuilder on(Response.ResponseBuilder builder) {
        // the header's text, not a CacheControl: Jersey's renderer of one builds a localized message every time
        return builder.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache");
    }
}
