package dev.echoid.identity.endpoint;

import dev.echoid.identity.IdentityProvider;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.RevocationRequest;
import dev.echoid.identity.security.Hashes;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.token.AccessTokenVerifier.VerifiedAccessToken;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Token revocation: a client, confidential or public, revokes one of its refresh tokens (which ends the whole grant,
 * RFC 7009 §2.1) or access tokens. A token of another client is left alone, and the answer is 200 all the same.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</a>
 */
@Path("revoke")
public class RevocationEndpoint {

    @Context
    private ServletContext servletContext;
    @Context
    private HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        IdentityProvider provider = IdentityProvider.from(servletContext);
        RevocationRequest parsed = RevocationRequest.parse(form, authorization);
        // RFC 7009 §2.1: a confidential client authenticates; a public one identifies itself with its client_id and
        // may revoke only its own tokens
        Client client = provider.clientAuthenticator().authenticate(parsed.clientAuthentication(),
                request.getRemoteAddr());
        String token = parsed.token();
        // RFC 7009 §2.1: the hint only speeds up the lookup; a token of either type is found whatever the hint says
        Optional<Grant> revoked = parsed.hintsAccessToken()
                ? revokeAccessToken(provider, client, token).or(() -> revokeRefreshToken(provider, client, token))
                : revokeRefreshToken(provider, client, token).or(() -> revokeAccessToken(provider, client, token));
        revoked.ifPresent(grant -> provider.audit().record(AuditEvent.success(AuditEvent.Type.TOKEN_REVOKED,
                client.clientId(), grant.userId(), null, request.getRemoteAddr(), "grant " + grant.id())
                .withLoginId(grant.loginId())));
        // RFC 7009 §2.2: 200 whether or not the token was valid, so the answer tells an attacker nothing
        return Endpoints.noStore(Response.ok()).build();
    }

    /** The grant the refresh token belonged to, revoked; empty when it is not one of this client's. */
    private static Optional<Grant> revokeRefreshToken(IdentityProvider provider, Client client, String token) {
        return provider.refreshTokens().find(Hashes.sha256Base64Url(token))
                .flatMap(stored -> provider.grants().find(stored.grantId()))
                .filter(grant -> grant.clientId().equals(client.clientId()))
                .map(grant -> {
                    provider.grants().revoke(grant.id(), "refresh token revoked by the client");
                    return grant;
                });
    }

    /** The grant of the access token just revoked; empty when it is not one of this client's. */
    private static Optional<Grant> revokeAccessToken(IdentityProvider provider, Client client, String token) {
        VerifiedAccessToken verified;
        try {
            verified = provider.accessTokenVerifier().verifySignature(token);
        } catch (OAuthException notOurs) {
            return Optional.empty();
        }
        if (!provider.accessTokens().revoke(verified.jti(), client.clientId())) {
            return Optional.empty();
        }
        return provider.grants().findByAccessToken(verified.jti());
    }
}
