package dev.echoid.identity.endpoint;

import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.grant.RefreshTokenLookup;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.RevocationRequest;
import dev.echoid.identity.store.AccessTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.token.AccessTokenVerifier;
import dev.echoid.identity.token.AccessTokenVerifier.VerifiedAccessToken;
import dev.echoid.plumbing.AccessLogLine;
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

    private final ClientAuthenticator clientAuthenticator;
    private final RefreshTokenLookup refreshTokenLookup;
    private final Grants grants;
    private final AccessTokenVerifier accessTokenVerifier;
    private final AccessTokens accessTokens;
    private final AuditLog audit;

    public RevocationEndpoint(ClientAuthenticator clientAuthenticator, RefreshTokenLookup refreshTokenLookup,
            Grants grants, AccessTokenVerifier accessTokenVerifier, AccessTokens accessTokens, AuditLog audit) {
        this.clientAuthenticator = clientAuthenticator;
        this.refreshTokenLookup = refreshTokenLookup;
        this.grants = grants;
        this.accessTokenVerifier = accessTokenVerifier;
        this.accessTokens = accessTokens;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServletRequest request) {
        RevocationRequest parsed = RevocationRequest.parse(form, authorization);
        // RFC 7009 §2.1: a confidential client authenticates; a public one identifies itself with its client_id and
        // may revoke only its own tokens
        Client client = clientAuthenticator.authenticate(parsed.clientAuthentication(), request.getRemoteAddr());
        String token = parsed.token();
        // RFC 7009 §2.1: the hint only speeds up the lookup; a token of either type is found whatever the hint says
        Optional<Grant> revoked = parsed.hintsAccessToken()
                ? revokeAccessToken(client, token).or(() -> revokeRefreshToken(client, token))
                : revokeRefreshToken(client, token).or(() -> revokeAccessToken(client, token));
        revoked.ifPresent(grant -> {
            AccessLogLine.noteLoginId(request, grant.loginId());
            audit.record(AuditEvent.success(AuditEvent.Type.TOKEN_REVOKED, client.clientId(), grant.userId(), null,
                    request.getRemoteAddr(), "grant " + grant.id()).withLoginId(grant.loginId()));
        });
        // RFC 7009 §2.2: 200 whether or not the token was valid, so the answer tells an attacker nothing
        return NoStore.on(Response.ok()).build();
    }

    /** The grant the refresh token belonged to, revoked; empty when it is not one of this client's. */
    private Optional<Grant> revokeRefreshToken(Client client, String token) {
        return refreshTokenLookup.findOf(client, token).map(RefreshTokens.WithGrant::grant)
                .map(grant -> {
                    grants.revoke(grant.id(), "refresh token revoked by the client");
                    return grant;
                });
    }

    /** The grant of the access token just revoked; empty when it is not one of this client's. */
    private Optional<Grant> revokeAccessToken(Client client, String token) {
        VerifiedAccessToken verified;
        try {
            verified = accessTokenVerifier.verifySignature(token);
        } catch (OAuthException notOurs) {
            return Optional.empty();
        }
        if (!accessTokens.revoke(verified.jti(), client.clientId())) {
            return Optional.empty();
        }
        return grants.findByAccessToken(verified.jti());
    }
}
