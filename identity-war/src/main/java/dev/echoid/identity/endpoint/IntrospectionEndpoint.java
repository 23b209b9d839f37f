package dev.echoid.identity.endpoint;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.IntrospectionRequest;
import dev.echoid.identity.security.Hashes;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.RefreshTokens.StoredRefreshToken;
import dev.echoid.identity.token.AccessTokenVerifier.VerifiedAccessToken;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Token introspection for resource servers and clients. An authenticated confidential client learns about an access
 * token issued to itself or to a client it is registered as a resource server for ({@code resource_server_for}); a
 * refresh token only by the client it was issued to. Anything else, and anything unknown, expired or revoked, is
 * {@code {"active": false}} and nothing more (RFC 7662 §2.2).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662">RFC 7662</a>
 */
@Path("introspect")
public class IntrospectionEndpoint {

    @Context
    private ServletContext servletContext;
    @Context
    private HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response introspect(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        IdentityProvider provider = IdentityProvider.from(servletContext);
        IntrospectionRequest parsed = IntrospectionRequest.parse(form, authorization);
        Client client = ClientRequests.confidentialClient(provider, parsed.clientAuthentication(),
                request.getRemoteAddr());
        String token = parsed.token();
        Map<String, Object> answer = accessToken(provider, client, token)
                .or(() -> refreshToken(provider, client, token))
                .orElseGet(() -> Map.of("active", false));
        return Endpoints.noStore(Response.ok(answer, MediaType.APPLICATION_JSON_TYPE)).build();
    }

    private static Optional<Map<String, Object>> accessToken(IdentityProvider provider, Client client,
            String token) {
        VerifiedAccessToken verified;
        try {
            verified = provider.accessTokenVerifier().verify(token);
        } catch (OAuthException inactive) {
            return Optional.empty();
        }
        // RFC 7662 §4: "the authorization server MUST determine whether or not the token can be used at the
        // protected resource making the introspection call"; to any other client it is {"active": false}
        if (!client.mayIntrospectTokensOf(verified.clientId())) {
            return Optional.empty();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("token_type", "Bearer");
        answer.put("scope", verified.scope().toString());
        answer.put("client_id", verified.clientId());
        answer.put("sub", verified.subject());
        answer.put("aud", verified.audience());
        answer.put("iss", provider.settings().issuer().toString());
        answer.put("iat", verified.issuedAt().getEpochSecond());
        answer.put("exp", verified.expiresAt().getEpochSecond());
        answer.put("jti", verified.jti());
        return Optional.of(answer);
    }

    private static Optional<Map<String, Object>> refreshToken(IdentityProvider provider, Client client,
            String token) {
        Instant now = Instant.now();
        Optional<StoredRefreshToken> stored = provider.refreshTokens().find(Hashes.sha256Base64Url(token))
                .filter(t -> t.rotatedAt() == null && t.expiresAt().isAfter(now));
        Optional<Grant> grant = stored.flatMap(t -> provider.grants().find(t.grantId()))
                .filter(g -> g.isActive(now) && g.clientId().equals(client.clientId()));
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("token_type", "refresh_token");
        answer.put("scope", grant.get().scope());
        answer.put("client_id", grant.get().clientId());
        answer.put("sub", String.valueOf(grant.get().userId()));
        answer.put("iss", provider.settings().issuer().toString());
        answer.put("iat", stored.get().issuedAt().getEpochSecond());
        Instant expiry = stored.get().expiresAt().isBefore(grant.get().expiresAt())
                ? stored.get().expiresAt() : grant.get().expiresAt();
        answer.put("exp", expiry.getEpochSecond());
        return Optional.of(answer);
    }
}
