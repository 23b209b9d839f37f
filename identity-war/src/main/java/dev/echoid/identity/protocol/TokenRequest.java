package dev.echoid.identity.protocol;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Optional;

/**
 * A token request, parsed at the edge: how the client authenticates, and the grant it presents. Parsing reads
 * the request only (no store, no clock, no audit). It throws what is answered before anything else is looked at,
 * as the endpoint always did: a control character anywhere, a malformed {@code Basic} header, a repeated client
 * parameter, two client authentication methods; the grant's own syntax errors travel in the grant
 * ({@link AuthorizationGrant.Malformed}) and are answered after the client is authenticated.
 *
 * @param clientAuthentication empty when the request names no client
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 */
public record TokenRequest(Optional<ClientAuthentication> clientAuthentication, AuthorizationGrant grant) {

    /**
     * @param form          the {@code application/x-www-form-urlencoded} body
     * @param authorization the {@code Authorization} header, or null
     */
    public static TokenRequest parse(MultivaluedMap<String, String> form, String authorization) {
        // RFC 6749 Appendix A: no parameter has a control character; refused before anything else is read
        Parameters params = Parameters.of(form).withoutControlCharacters();
        Optional<ClientAuthentication> client = ClientAuthentication.parse(params, authorization);
        return new TokenRequest(client, AuthorizationGrant.parse(params));
    }
}
