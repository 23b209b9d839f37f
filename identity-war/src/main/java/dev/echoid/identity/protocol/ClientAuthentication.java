package dev.echoid.identity.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How a client says who it is at the token, revocation and introspection endpoints, read from the request alone
 * (whether the client exists and the secret is right is the authenticator's business, not the parser's).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication">OIDC Core §9</a>
 */
public sealed interface ClientAuthentication
        permits ClientAuthentication.ClientSecretBasic, ClientAuthentication.ClientSecretPost,
        ClientAuthentication.None {

    String clientId();

    /** The secret the client presented; empty for {@code none}. */
    Optional<String> secret();

    /** {@code client_secret_basic}: id and secret in the {@code Authorization: Basic} header. */
    record ClientSecretBasic(String clientId, String clientSecret) implements ClientAuthentication {
        @Override
        public Optional<String> secret() {
            return Optional.of(clientSecret);
        }

        @Override
        public String toString() {
            return "client_secret_basic(" + clientId + ")"; // never the secret, not even in a log line
        }
    }

    /** {@code client_secret_post}: {@code client_id} and {@code client_secret} in the form. */
    record ClientSecretPost(String clientId, String clientSecret) implements ClientAuthentication {
        @Override
        public Optional<String> secret() {
            return Optional.of(clientSecret);
        }

        @Override
        public String toString() {
            return "client_secret_post(" + clientId + ")";
        }
    }

    /** {@code none}: a public client names itself with {@code client_id} and proves nothing here (PKCE does). */
    record None(String clientId) implements ClientAuthentication {
        @Override
        public Optional<String> secret() {
            return Optional.empty();
        }
    }

    /**
     * The client authentication of a request, or empty when it names no client at all (the authenticator answers
     * {@code invalid_client} and records the attempt). A malformed {@code Basic} header is {@code invalid_client},
     * a control character in it and two methods at once are {@code invalid_request}.
     */
    static Optional<ClientAuthentication> parse(Parameters params, String authorizationHeader) {
        Optional<String[]> basic = basicCredentials(authorizationHeader);
        Optional<String> formSecret = params.optional("client_secret");
        Optional<String> formId = params.optional("client_id");
        // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
        if (basic.isPresent() && formSecret.isPresent()) {
            throw OAuthException.invalidRequest("More than one client authentication method was used");
        }
        if (basic.isPresent()) {
            String clientId = basic.get()[0];
            if (formId.isPresent() && !formId.get().equals(clientId)) {
                throw OAuthException.invalidRequest("client_id does not match the authenticated client");
            }
            return Optional.of(new ClientSecretBasic(clientId, basic.get()[1]));
        }
        if (formId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(formSecret.<ClientAuthentication>map(secret -> new ClientSecretPost(formId.get(), secret))
                .orElseGet(() -> new None(formId.get())));
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded. */
    private static Optional<String[]> basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OAuthException(OAuthError.INVALID_CLIENT, "Malformed Basic credentials");
            }
            String[] credentials = {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
            // RFC 6749 §2.3.1 and Appendix A.1, A.2: client_id and client_secret are VSCHAR, no control characters
            if (Parameters.hasControlCharacter(credentials[0]) || Parameters.hasControlCharacter(credentials[1])) {
                throw OAuthException.invalidRequest("The Basic credentials contain a control character");
            }
            return Optional.of(credentials);
        } catch (IllegalArgumentException e) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "Malformed Basic credentials");
        }
    }
}
