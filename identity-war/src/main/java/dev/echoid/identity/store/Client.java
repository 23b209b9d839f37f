package dev.echoid.identity.store;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * A registered client (relying party).
 *
 * @param secretHash               the Argon2id hash of the client secret; null for a public client, which
 *                                 authenticates with PKCE alone ({@code token_endpoint_auth_method=none})
 * @param grantTypes               the grant types it may use ({@code authorization_code}, {@code refresh_token},
 *                                 {@code client_credentials})
 * @param postLogoutRedirectUris   where RP-initiated logout may return the browser (exact match)
 * @param backchannelLogoutUri     where the provider POSTs logout tokens, or null
 * @param idTokenSigningAlgorithm  the JWS algorithm of its ID tokens ({@code RS256} or {@code ES256})
 * @param requireMfa               its users must pass a second factor (TOTP) to sign in to it
 * @param firstParty               run by the provider's own operator: it gets {@code offline_access} without a
 *                                 consent page (OIDC Core §11 "other conditions")
 */
public record Client(String clientId, String name, String secretHash, List<URI> redirectUris, boolean enabled,
        Set<String> grantTypes, List<URI> postLogoutRedirectUris, URI backchannelLogoutUri,
        String idTokenSigningAlgorithm, boolean requireMfa, boolean firstParty) {

    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    public Client {
        redirectUris = List.copyOf(redirectUris);
        grantTypes = Set.copyOf(grantTypes);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    }

    /** A third-party client (not {@link #firstParty}). */
    public Client(String clientId, String name, String secretHash, List<URI> redirectUris, boolean enabled,
            Set<String> grantTypes, List<URI> postLogoutRedirectUris, URI backchannelLogoutUri,
            String idTokenSigningAlgorithm, boolean requireMfa) {
        this(clientId, name, secretHash, redirectUris, enabled, grantTypes, postLogoutRedirectUris,
                backchannelLogoutUri, idTokenSigningAlgorithm, requireMfa, false);
    }

    /** A client of the code flow with the defaults: refresh tokens, RS256, no logout URIs. */
    public static Client codeFlow(String clientId, String name, String secretHash, List<URI> redirectUris) {
        return new Client(clientId, name, secretHash, redirectUris, true, Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN),
                List.of(), null, "RS256", false);
    }

    public boolean isPublic() {
        return secretHash == null;
    }

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }
}
