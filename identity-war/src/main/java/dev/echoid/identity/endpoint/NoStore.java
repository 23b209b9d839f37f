package dev.echoid.identity.endpoint;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/** Response details shared by the protocol endpoints. */
final class NoStore {

    private NoStore() {
    }

    /** RFC 6749 §5.1: responses with tokens or credentials MUST carry Cache-Control: no-store. */
    static Response.ResponseBuilder on(Response.ResponseBuilder builder) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        noStore.setNoTransform(false);
        return builder.cacheControl(noStore).header("Pragma", "no-cache");
    }
}
