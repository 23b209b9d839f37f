package dev.echoid.identity.store;

import dev.echoid.identity.config.GrantTypes;
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
 * @param applicationType          {@code web} or {@code native} (OpenID Connect Dynamic Client Registration §2): a
 *                                 native app may use a loopback redirect URI with any port (RFC 8252 §7.3)
 * @param resourceServerFor        the clients whose access tokens it may introspect as a resource server (RFC 7662
 *                                 §4), {@code *} for every client; it may always introspect its own
 */
public record Client(String clientId, String name, String secretHash, List<URI> redirectUris, boolean enabled,
        Set<String> grantTypes, List<URI> postLogoutRedirectUris, URI backchannelLogoutUri,
        String idTokenSigningAlgorithm, boolean requireMfa, boolean firstParty, String applicationType,
        List<String> resourceServerFor) {

    // the grant types a client may be allowed, as GrantTypes names them (spelled there only)
    public static final String AUTHORIZATION_CODE = GrantTypes.AUTHORIZATION_CODE;
    public static final String REFRESH_TOKEN = GrantTypes.REFRESH_TOKEN;
    public static final String CLIENT_CREDENTIALS = GrantTypes.CLIENT_CREDENTIALS;
    public static final String WEB = "web";
    public static final String NATIVE = "native";
    /** In {@link #resourceServerFor}: the access tokens of every client. */
    public static final String ANY_CLIENT = "*";

    public Client {
        redirectUris = List.copyOf(redirectUris);
        grantTypes = Set.copyOf(grantTypes);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        if (!WEB.equals(applicationType) && !NATIVE.equals(applicationType)) {
            throw new IllegalArgumentException("application_type must be web or native");
        }
        resourceServerFor = List.copyOf(resourceServerFor);
    }

    /** A third-party web client that is no resource server for others. */
    public Client(String clientId, String name, String secretHash, List<URI> redirectUris, boolean enabled,
            Set<String> grantTypes, List<URI> postLogoutRedirectUris, URI backchannelLogoutUri,
            String idTokenSigningAlgorithm, boolean requireMfa) {
        this(clientId, name, secretHash, redirectUris, enabled, grantTypes, postLogoutRedirectUris,
                backchannelLogoutUri, idTokenSigningAlgorithm, requireMfa, false);
    }

    /** A web client that is no resource server for others. */
    public Client(String clientId, String name, String secretHash, List<URI> redirectUris, boolean enabled,
            Set<String> grantTypes, List<URI> postLogoutRedirectUris, URI backchannelLogoutUri,
            String idTokenSigningAlgorithm, boolean requireMfa, boolean firstParty) {
        this(clientId, name, secretHash, redirectUris, enabled, grantTypes, postLogoutRedirectUris,
                backchannelLogoutUri, idTokenSigningAlgorithm, requireMfa, firstParty, WEB, List.of());
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

    public boolean isNative() {
        return NATIVE.equals(applicationType);
    }

    /** RFC 7662 §4: whether this client may learn about an access token issued to {@code tokenClientId}. */
    public boolean mayIntrospectTokensOf(String tokenClientId) {
        return clientId.equals(tokenClientId) || resourceServerFor.contains(ANY_CLIENT)
                || resourceServerFor.contains(tokenClientId);
    }

    /**
     * Whether {@code requested} names one of the registered redirect URIs: by exact string match (RFC 9700 §2.1),
     * and for a native app also a loopback IP redirect URI with another port (RFC 8252 §7.3).
     *
     * @return the redirect URI as requested, or empty when it is not registered
     */
    public java.util.Optional<URI> registeredRedirectUri(String requested) {
        for (URI registered : redirectUris) {
            if (registered.toString().equals(requested)) {
                return java.util.Optional.of(registered);
            }
        }
        if (isNative()) {
            for (URI registered : redirectUris) {
                java.util.Optional<URI> loopback = LoopbackRedirect.match(registered, requested);
                if (loopback.isPresent()) {
                    return loopback;
                }
            }
        }
        return java.util.Optional.empty();
    }
}
