package dev.echoid.identity.protocol;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Optional;

/**
 * An introspection request, parsed: the client authentication and the token. The token's syntax is answered after
 * the client is authenticated ({@link #token()} throws it), as the endpoint always did.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662#section-2.1">RFC 7662 §2.1</a>
 */
public record IntrospectionRequest(Optional<ClientAuthentication> clientAuthentication, String tokenValue,
        OAuthException malformed) {

    public static IntrospectionRequest parse(MultivaluedMap<String, String> form, String authorization) {
        Parameters params = Parameters.of(form).withoutControlCharacters();
        Optional<ClientAuthentication> client = ClientAuthentication.parse(params, authorization);
        try {
            return new IntrospectionRequest(client, params.required("token"), null);
        } catch (OAuthException malformed) {
            return new IntrospectionRequest(client, null, malformed);
        }
    }

    /** The token asked about; a missing or repeated one is an {@code invalid_request}. */
    public String token() {
        if (malformed != null) {
            throw malformed;
        }
        return tokenValue;
    }

    @Override
    public String toString() {
        return "IntrospectionRequest(" + clientAuthentication + ")";
    }
}
