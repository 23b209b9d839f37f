package dev.echoid.identity.protocol;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Optional;

/**
 * A revocation request, parsed: the client authentication, the token and the hint. The token's syntax is answered
 * after the client is authenticated ({@link #token()} throws it), as the endpoint always did.
 *
 * @param tokenTypeHint {@code refresh_token} when absent (RFC 7009 §2.1: the hint only speeds up the lookup)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
 */
public record RevocationRequest(Optional<ClientAuthentication> clientAuthentication, String tokenValue,
        String tokenTypeHint, OAuthException malformed) {

    public static RevocationRequest parse(MultivaluedMap<String, String> form, String authorization) {
        Parameters params = Parameters.of(form).withoutControlCharacters();
        Optional<ClientAuthentication> client = ClientAuthentication.parse(params, authorization);
        try {
            String token = params.required("token");
            return new RevocationRequest(client, token, params.optional("token_type_hint").orElse("refresh_token"),
                    null);
        } catch (OAuthException malformed) {
            return new RevocationRequest(client, null, null, malformed);
        }
    }

    /** The token to revoke; a missing or repeated one is an {@code invalid_request}. */
    public String token() {
        if (malformed != null) {
            throw malformed;
        }
        return tokenValue;
    }

    /** Whether the client says it is an access token (else it is looked up as a refresh token first). */
    public boolean hintsAccessToken() {
        token();
        return "access_token".equals(tokenTypeHint);
    }

    @Override
    public String toString() {
        return "RevocationRequest(" + clientAuthentication + ", hint " + tokenTypeHint + ")";
    }
}
