package dev.echoid.echo.oidc;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RP-Initiated Logout: the URL the browser is sent to so the provider ends its session too.
 *
 * @param endSessionEndpoint    the discovered {@code end_session_endpoint}
 * @param idTokenHint           the session's ID token (may have expired; it only identifies the session)
 * @param clientId              our client_id
 * @param postLogoutRedirectUri where the provider sends the browser afterwards; must be registered there
 * @param state                 a random value the provider passes back
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout">OpenID Connect RP-Initiated
 *         Logout 1.0 §2</a>
 */
public record EndSessionRequest(URI endSessionEndpoint, String idTokenHint, String clientId, URI postLogoutRedirectUri,
        String state) {

    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        // §2: id_token_hint is RECOMMENDED; with post_logout_redirect_uri it lets the provider tie the URI to us.
        if (idTokenHint != null) {
            p.put("id_token_hint", idTokenHint);
        }
        p.put("client_id", clientId);
        p.put("post_logout_redirect_uri", postLogoutRedirectUri.toString());
        p.put("state", state);
        return p;
    }

    public URI toUri() {
        return AuthorizationRequest.withParameters(endSessionEndpoint, parameters());
    }

    @Override
    public String toString() {
        return "EndSessionRequest[endSessionEndpoint=" + endSessionEndpoint + ", postLogoutRedirectUri="
                + postLogoutRedirectUri + "]";
    }
}
