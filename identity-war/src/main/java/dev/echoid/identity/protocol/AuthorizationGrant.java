package dev.echoid.identity.protocol;

import dev.echoid.identity.store.Client;

/**
 * The grant of a token request ({@code grant_type} and its parameters), parsed: one record per grant type. The
 * later checks of a request (its client, whether the client may use the grant type) come before the parameters of
 * the grant; so a grant whose parameters break the syntax is a {@link Malformed} that carries the error to answer
 * with once those checks pass, which keeps the answer to every request as it was when each handler read its own.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3">RFC 6749 §4.1.3, §4.4.2, §6</a>
 */
public sealed interface AuthorizationGrant
        permits AuthorizationGrant.AuthorizationCode, AuthorizationGrant.RefreshToken,
        AuthorizationGrant.ClientCredentials, AuthorizationGrant.Unsupported, AuthorizationGrant.Malformed {

    /** The {@code grant_type}; null only for a {@link Malformed} request whose grant_type is missing or repeated. */
    String grantType();

    /**
     * RFC 6749 §4.1.3 with RFC 7636 §4.5.
     *
     * @param redirectUri  REQUIRED here: it was in the authorization request (it always is, this provider needs it)
     * @param codeVerifier the PKCE verifier, or null; whether it matches (and is well formed, RFC 7636 §4.1) is
     *                     checked against the code, which is spent when it does not
     */
    record AuthorizationCode(String code, String redirectUri, String codeVerifier) implements AuthorizationGrant {
        @Override
        public String grantType() {
            return Client.AUTHORIZATION_CODE;
        }

        @Override
        public String toString() {
            return "authorization_code"; // the code is a credential
        }
    }

    /** RFC 6749 §6. */
    record RefreshToken(String refreshToken, RequestedScope scope) implements AuthorizationGrant {
        @Override
        public String grantType() {
            return Client.REFRESH_TOKEN;
        }

        @Override
        public String toString() {
            return "refresh_token(scope " + scope + ")";
        }
    }

    /** RFC 6749 §4.4.2. */
    record ClientCredentials(RequestedScope scope) implements AuthorizationGrant {
        @Override
        public String grantType() {
            return Client.CLIENT_CREDENTIALS;
        }
    }

    /** A grant type this provider does not know: {@code unsupported_grant_type}. */
    record Unsupported(String grantType) implements AuthorizationGrant {
    }

    /** A grant whose parameters are missing, repeated or malformed: answered with {@code error}. */
    record Malformed(String grantType, OAuthException error) implements AuthorizationGrant {
    }

    static AuthorizationGrant parse(Parameters params) {
        String grantType;
        try {
            grantType = params.required("grant_type");
        } catch (OAuthException missingOrRepeated) {
            return new Malformed(null, missingOrRepeated);
        }
        try {
            switch (grantType) {
                case Client.AUTHORIZATION_CODE:
                    String code = params.required("code");
                    // RFC 6749 §4.1.3: redirect_uri is REQUIRED when it was in the authorization request
                    String redirectUri = params.required("redirect_uri");
                    return new AuthorizationCode(code, redirectUri, params.optional("code_verifier").orElse(null));
                case Client.REFRESH_TOKEN:
                    return new RefreshToken(params.required("refresh_token"), RequestedScope.parse(params));
                case Client.CLIENT_CREDENTIALS:
                    return new ClientCredentials(RequestedScope.parse(params));
                default:
                    return new Unsupported(grantType);
            }
        } catch (OAuthException malformed) {
            return new Malformed(grantType, malformed);
        }
    }
}
