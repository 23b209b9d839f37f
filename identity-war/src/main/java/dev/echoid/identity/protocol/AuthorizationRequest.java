package dev.echoid.identity.protocol;

import dev.echoid.identity.store.Client;
import java.io.Serializable;
import java.net.URI;
import java.util.Optional;
import java.util.function.Function;

/**
 * An authorization request of the code flow, validated.
 *
 * <p>Parsing is in two steps because the answer to a bad request depends on how far it got: until the client and
 * its redirect URI are proven ({@link #trustedRedirect}), an error is shown to the person as a page and the browser
 * is never redirected (RFC 6749 §4.1.2.1: "the authorization server SHOULD inform the resource owner of the error
 * and MUST NOT automatically redirect the user-agent to the invalid redirection URI"); after that ({@link #parse}),
 * errors go back to the client's redirect URI.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1">RFC 6749 §4.1.1</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest">OIDC Core §3.1.2.1</a>
 * @param loginId a new random id (128 bits) for the sign-in this request starts, given when the request is accepted
 *                ({@link #withLoginId}; null straight from {@link #parse}); every audit event of it carries it. Kept
 *                on the server and sent only in the ID token, never in a redirect
 */
public record AuthorizationRequest(
        String clientId,
        URI redirectUri,
        Scope scope,
        String state,
        String nonce,
        String codeChallenge,
        String prompt,
        Long maxAge,
        String loginId) implements Serializable {

    /** The longest state and nonce taken (an error redirect carries the state back within a response header). */
    public static final int MAX_VALUE_LENGTH = 512;

    /** The client and the redirect URI it registered, both proven. */
    public record TrustedRedirect(Client client, URI redirectUri) {
    }

    /** The request cannot be trusted to redirect anywhere: show the person this message. */
    public static final class UntrustedRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UntrustedRequestException(String message) {
            super(message, null, false, false);
        }
    }

    public Optional<String> stateValue() {
        return Optional.ofNullable(state);
    }

    /** Whether the space-delimited {@code prompt} parameter holds this value ({@code none}, {@code consent}, ...). */
    public boolean prompts(String value) {
        return prompt != null && java.util.Arrays.asList(prompt.split(" ")).contains(value);
    }

    /** The same request, asking for (or granted) another scope. */
    public AuthorizationRequest withScope(Scope granted) {
        return new AuthorizationRequest(clientId, redirectUri, granted, state, nonce, codeChallenge, prompt, maxAge,
                loginId);
    }

    /** The same request, accepted as the start of the sign-in {@code loginId}. */
    public AuthorizationRequest withLoginId(String loginId) {
        return new AuthorizationRequest(clientId, redirectUri, scope, state, nonce, codeChallenge, prompt, maxAge,
                loginId);
    }

    /** Step 1: client_id and the exact registered redirect_uri. */
    public static TrustedRedirect trustedRedirect(Parameters params, Function<String, Optional<Client>> clients) {
        String clientId;
        String redirect;
        try {
            clientId = params.optional("client_id").orElseThrow(
                    () -> new UntrustedRequestException("The request has no client_id."));
            redirect = params.optional("redirect_uri").orElseThrow(
                    () -> new UntrustedRequestException("The request has no redirect_uri."));
        } catch (OAuthException duplicated) {
            throw new UntrustedRequestException(duplicated.description() + ".");
        }
        Client client = clients.apply(clientId)
                .filter(Client::enabled)
                .orElseThrow(() -> new UntrustedRequestException("The application (client_id) is not known here."));
        // RFC 9700 §2.1: redirect URIs are compared by exact string matching; RFC 8252 §7.3: a native app's
        // loopback redirect URI with any port
        URI redirectUri = client.registeredRedirectUri(redirect)
                .orElseThrow(() -> new UntrustedRequestException(
                        "The redirect_uri is not registered for this application."));
        return new TrustedRedirect(client, redirectUri);
    }

    /**
     * Step 2: the rest of the request; errors from here on are redirected to the client. Reads the parameters only:
     * the login id is given by whoever accepts the request ({@link #withLoginId}).
     */
    public static AuthorizationRequest parse(Parameters params, TrustedRedirect trusted) {
        String state = bounded(params, "state");
        if (params.has("request")) {
            throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "Request objects are not supported");
        }
        if (params.has("request_uri")) {
            throw new OAuthException(OAuthError.REQUEST_URI_NOT_SUPPORTED, "request_uri is not supported");
        }
        if (!trusted.client().allows(Client.AUTHORIZATION_CODE)) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT,
                    "The client may not use the authorization code flow");
        }
        String responseType = params.required("response_type");
        if (!"code".equals(responseType)) {
            throw new OAuthException(OAuthError.UNSUPPORTED_RESPONSE_TYPE,
                    "Only response_type=code is supported");
        }
        params.optional("response_mode").ifPresent(mode -> {
            if (!"query".equals(mode)) {
                throw OAuthException.invalidRequest("Only response_mode=query is supported");
            }
        });
        Scope scope = Scope.parse(params.required("scope"));
        // OIDC Core §3.1.2.1: "OpenID Connect requests MUST contain the openid scope value"
        if (!scope.contains(Scope.OPENID)) {
            throw new OAuthException(OAuthError.INVALID_SCOPE, "The scope must include 'openid'");
        }
        for (String value : scope.values()) {
            if (!Scope.SUPPORTED.contains(value)) {
                throw new OAuthException(OAuthError.INVALID_SCOPE, "Unsupported scope '" + value + "'");
            }
        }
        String nonce = bounded(params, "nonce");
        String challenge = params.optional("code_challenge").orElse(null);
        String method = params.optional("code_challenge_method").orElse(null);
        if (challenge == null && method != null) {
            throw OAuthException.invalidRequest("code_challenge_method without code_challenge");
        }
        if (challenge != null) {
            // RFC 7636 §4.4.1 / RFC 9700 §2.1.1: only S256; "plain" is refused
            if (!Pkce.S256.equals(method)) {
                throw OAuthException.invalidRequest("code_challenge_method must be S256");
            }
            if (!Pkce.isWellFormedChallenge(challenge)) {
                throw OAuthException.invalidRequest("Malformed code_challenge");
            }
        } else if (trusted.client().isPublic()) {
            // RFC 9700 §2.1.1: public clients MUST use PKCE
            throw OAuthException.invalidRequest("code_challenge is required for public clients (PKCE, S256)");
        }
        String prompt = params.optional("prompt").orElse(null);
        if (prompt != null) {
            for (String value : prompt.split(" ")) {
                if (!value.equals("none") && !value.equals("login") && !value.equals("consent")
                        && !value.equals("select_account")) {
                    throw OAuthException.invalidRequest("Unknown prompt value");
                }
            }
            if (prompt.contains("none") && !prompt.equals("none")) {
                // OIDC Core §3.1.2.1: none MUST NOT be combined with other values
                throw OAuthException.invalidRequest("prompt=none cannot be combined with other values");
            }
        }
        Long maxAge = params.optional("max_age").map(value -> {
            try {
                long seconds = Long.parseLong(value);
                if (seconds < 0) {
                    throw OAuthException.invalidRequest("max_age must not be negative");
                }
                return seconds;
            } catch (NumberFormatException e) {
                throw OAuthException.invalidRequest("max_age must be a number of seconds");
            }
        }).orElse(null);
        return new AuthorizationRequest(trusted.client().clientId(), trusted.redirectUri(), scope, state, nonce,
                challenge, prompt, maxAge, null);
    }

    private static String bounded(Parameters params, String name) {
        String value = params.optional(name).orElse(null);
        if (value != null && value.length() > MAX_VALUE_LENGTH) {
            throw OAuthException.invalidRequest(name + " is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        return value;
    }
}
