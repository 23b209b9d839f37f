package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.grant.RefreshTokenLookup;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.IntrospectionRequest;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.store.RefreshTokens.StoredRefreshToken;
import dev.echoid.identity.token.AccessTokenVerifier;
import dev.echoid.identity.token.AccessTokenVerifier.VerifiedAccessToken;
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
import java.time.Clock;
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

    private final IdentitySettings settings;
    private final ClientAuthenticator clientAuthenticator;
    private final AccessTokenVerifier accessTokenVerifier;
    private final RefreshTokenLookup refreshTokenLookup;
    private final Clock clock;

    public IntrospectionEndpoint(IdentitySettings settings, ClientAuthenticator clientAuthenticator,
            AccessTokenVerifier accessTokenVerifier, RefreshTokenLookup refreshTokenLookup, Clock clock) {
        this.settings = settings;
        this.clientAuthenticator = clientAuthenticator;
        this.accessTokenVerifier = accessTokenVerifier;
        this.refreshTokenLookup = refreshTokenLookup;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response introspect(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServletRequest request) {
        IntrospectionRequest parsed = IntrospectionRequest.parse(form, authorization);
        Client client = ConfidentialClients.authenticate(clientAuthenticator, parsed.clientAuthentication(),
                request.getRemoteAddr());
        String token = parsed.token();
        Map<String, Object> answer = accessToken(client, token)
                .or(() -> refreshToken(client, token))
                .orElseGet(() -> Map.of("active", false));
        return NoStore.on(Response.ok(answer, MediaType.APPLICATION_JSON_TYPE)).build();
    }

    private Optional<Map<String, Object>> accessToken(Client client, String token) {
        VerifiedAccessToken verified;
        try {
            verified = accessTokenVerifier.verify(token);
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
        answer.put("iss", settings.issuer().toString());
        answer.put("iat", verified.issuedAt().getEpochSecond());
        answer.put("exp", verified.expiresAt().getEpochSecond());
        answer.put("jti", verified.jti());
        return Optional.of(answer);
    }

    private Optional<Map<String, Object>> refreshToken(Client client, String token) {
        Instant now = clock.instant();
        Optional<RefreshTokens.WithGrant> found = refreshTokenLookup.findOf(client, token)
                .filter(f -> RefreshTokenLookup.usable(f, now));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredRefreshToken> stored = found.map(RefreshTokens.WithGrant::token);
        Optional<Grant> grant = found.map(RefreshTokens.WithGrant::grant);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("token_type", "refresh_token");
        answer.put("scope", grant.get().scope());
        answer.put("client_id", grant.get().clientId());
        answer.put("sub", String.valueOf(grant.get().userId()));
        answer.put("iss", settings.issuer().toString());
        answer.put("iat", stored.get().issuedAt().getEpochSecond());
        Instant expiry = stored.get().expiresAt().isBefore(grant.get().expiresAt())
                ? stored.get().expiresAt() : grant.get().expiresAt();
        answer.put("exp", expiry.getEpochSecond());
        return Optional.of(answer);
    }
}
