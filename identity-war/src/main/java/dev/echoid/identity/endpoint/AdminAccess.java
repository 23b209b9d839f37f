package dev.echoid.identity.endpoint;

import dev.echoid.identity.token.AdminToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The admin endpoints' gate: the static bearer token {@code IDENTITY_ADMIN_TOKEN}. Without the setting the admin
 * paths answer 404, as if they did not exist.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a> for the 401 challenge
 */
public final class AdminAccess {

    private static final Logger LOG = System.getLogger(AdminAccess.class.getName());
    private static final String REALM = "Bearer realm=\"identity-admin\"";

    private final AdminToken token;

    public AdminAccess(AdminToken token) {
        this.token = token;
    }

    /** Null when the request may proceed; otherwise the answer: 404 without a configured token, else 401. */
    Response refusal(String authorization, HttpServletRequest request) {
        if (!token.configured()) {
            throw new NotFoundException();
        }
        if (authorization == null || authorization.isBlank()) {
            // RFC 6750 §3.1: a request without credentials gets the challenge and no error code
            return NoStore.on(Response.status(Response.Status.UNAUTHORIZED))
                    .header(HttpHeaders.WWW_AUTHENTICATE, REALM).build();
        }
        if (!token.acceptsHeader(authorization)) {
            LOG.log(Level.WARNING, "Admin request with a wrong token from {0}", request.getRemoteAddr());
            return NoStore.on(Response.status(Response.Status.UNAUTHORIZED))
                    .header(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\"").build();
        }
        return null;
    }
}
