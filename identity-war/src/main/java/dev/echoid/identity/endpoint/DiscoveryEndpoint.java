package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.grant.GrantHandlers;
import dev.echoid.identity.protocol.Pkce;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.JwtIssuer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider metadata: lists exactly what this provider supports, nothing more.
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">OIDC Discovery §3</a>
 */
@Path(".well-known/openid-configuration")
public class DiscoveryEndpoint {

    private final PublicDocuments documents;

    public DiscoveryEndpoint(PublicDocuments documents) {
        this.documents = documents;
    }

    /** Served by {@link PublicDocumentFilter} in the WAR; here for a deployment of the JAX-RS resources alone. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response metadata() {
        return answer(documents.discovery());
    }

    /** The document as JAX-RS answers it: the same bytes, entity tag and cache time as the filter's. */
    static Response answer(JsonDocument document) {
        return Response.ok(document.body(), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", PublicDocumentFilter.CACHE_CONTROL)
                .header("ETag", document.etag())
                .build();
    }

    /** The metadata: the settings decide it, so it is rendered once ({@link PublicDocuments}). */
    static Map<String, Object> metadata(IdentitySettings settings, GrantHandlers grantHandlers,
            SigningKeys signingKeys) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        // OIDC Discovery §4.3: issuer MUST be identical to the issuer the configuration was retrieved for
        metadata.put("issuer", settings.issuer().toString());
        metadata.put("authorization_endpoint", settings.endpoint("authorize").toString());
        metadata.put("token_endpoint", settings.endpoint("token").toString());
        metadata.put("userinfo_endpoint", settings.endpoint("userinfo").toString());
        metadata.put("jwks_uri", settings.endpoint("jwks").toString());
        metadata.put("revocation_endpoint", settings.endpoint("revoke").toString());
        metadata.put("introspection_endpoint", settings.endpoint("introspect").toString());
        metadata.put("end_session_endpoint", settings.endpoint("logout").toString());
        metadata.put("scopes_supported", List.of(Scope.OPENID, Scope.PROFILE, Scope.EMAIL, Scope.OFFLINE_ACCESS));
        metadata.put("response_types_supported", List.of("code"));
        metadata.put("response_modes_supported", List.of("query"));
        metadata.put("grant_types_supported", grantHandlers.supported().stream().sorted().toList());
        metadata.put("subject_types_supported", List.of("public"));
        metadata.put("id_token_signing_alg_values_supported", signingKeys.supportedAlgorithms());
        metadata.put("token_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post", "none"));
        // RFC 7009 §2.1: public clients revoke their own tokens, identified by client_id ("none")
        metadata.put("revocation_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post", "none"));
        metadata.put("introspection_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post"));
        metadata.put("code_challenge_methods_supported", List.of(Pkce.S256));
        metadata.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "sid",
                "amr", "acr", JwtIssuer.LOGIN_ID_CLAIM,
                "name", "preferred_username", "email", "email_verified"));
        metadata.put("prompt_values_supported", List.of("none", "login", "consent", "select_account"));
        metadata.put("authorization_response_iss_parameter_supported", true);
        metadata.put("acr_values_supported", List.of(JwtIssuer.ACR_PASSWORD, JwtIssuer.ACR_SECOND_FACTOR));
        metadata.put("backchannel_logout_supported", true);
        metadata.put("backchannel_logout_session_supported", true);
        metadata.put("claims_parameter_supported", false);
        metadata.put("request_parameter_supported", false);
        metadata.put("request_uri_parameter_supported", false);
        return metadata;
    }
}
