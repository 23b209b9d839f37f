package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of the provider's discovery document the gateway uses.
 *
 * @param issuer                                     the provider's issuer identifier, equal to the configured one
 * @param authorizationEndpoint                      where the browser is sent to sign in
 * @param tokenEndpoint                              where the code is exchanged
 * @param jwksUri                                    the provider's signing keys
 * @param idTokenSigningAlgValuesSupported           algorithms the provider may sign ID tokens with
 * @param endSessionEndpoint                         RP-Initiated Logout endpoint, null when not advertised
 * @param authorizationResponseIssParameterSupported RFC 9207: the provider always sends {@code iss} to the callback
 * @param revocationEndpoint                         RFC 7009 token revocation endpoint, null when not advertised
 * @param backchannelLogoutSupported                 Back-Channel Logout 1.0 §2.1: the provider sends logout tokens
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">OpenID Connect
 *         Discovery 1.0 §3</a>
 */
public record ProviderMetadata(
        String issuer,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        URI jwksUri,
        List<String> idTokenSigningAlgValuesSupported,
        URI endSessionEndpoint,
        boolean authorizationResponseIssParameterSupported,
        URI revocationEndpoint,
        boolean backchannelLogoutSupported) {

    public static final String WELL_KNOWN_PATH = "/.well-known/openid-configuration";

    public ProviderMetadata {
        idTokenSigningAlgValuesSupported = List.copyOf(idTokenSigningAlgValuesSupported);
    }

    /** Discovery 1.0 §4: the issuer with any trailing slash removed, then {@code /.well-known/openid-configuration}. */
    public static URI discoveryUri(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + WELL_KNOWN_PATH);
    }

    /**
     * Reads a discovery document and checks that it describes the expected issuer.
     *
     * @throws ProviderException when the issuer differs or a required member is missing
     */
    public static ProviderMetadata parse(JsonNode json, String expectedIssuer) {
        String issuer = text(json, "issuer");
        // Discovery 1.0 §4.3: the issuer value returned MUST be identical to the Issuer URL that was used.
        if (!expectedIssuer.equals(issuer)) {
            throw new ProviderException("discovery document names issuer '" + issuer + "', expected exactly '"
                    + expectedIssuer + "'");
        }
        List<String> algs = new ArrayList<>();
        JsonNode algNode = json.get("id_token_signing_alg_values_supported");
        if (algNode != null && algNode.isArray()) {
            algNode.forEach(a -> algs.add(a.asText()));
        } else {
            throw new ProviderException("discovery document lacks id_token_signing_alg_values_supported");
        }
        return new ProviderMetadata(
                issuer,
                requiredUri(json, "authorization_endpoint"),
                requiredUri(json, "token_endpoint"),
                requiredUri(json, "jwks_uri"),
                algs,
                optionalUri(json, "end_session_endpoint").orElse(null),
                json.path("authorization_response_iss_parameter_supported").asBoolean(false),
                optionalUri(json, "revocation_endpoint").orElse(null),
                json.path("backchannel_logout_supported").asBoolean(false));
    }

    public Optional<URI> endSession() {
        return Optional.ofNullable(endSessionEndpoint);
    }

    public Optional<URI> revocation() {
        return Optional.ofNullable(revocationEndpoint);
    }

    private static String text(JsonNode json, String name) {
        JsonNode node = json.get(name);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static URI requiredUri(JsonNode json, String name) {
        return optionalUri(json, name)
                .orElseThrow(() -> new ProviderException("discovery document lacks " + name));
    }

    private static Optional<URI> optionalUri(JsonNode json, String name) {
        String value = text(json, name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new ProviderException("discovery " + name + " is not an absolute URL: " + value);
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new ProviderException("discovery " + name + " is not a valid URL: " + value, e);
        }
    }
}
