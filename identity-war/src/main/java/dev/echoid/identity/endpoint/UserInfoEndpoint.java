package dev.echoid.identity.endpoint;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import dev.echoid.identity.token.AccessTokenVerifier;
import dev.echoid.identity.token.AccessTokenVerifier.VerifiedAccessToken;
import dev.echoid.identity.token.UserClaims;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Claims about the signed-in user, for a Bearer access token (RFC 6750 §2.1, header only).
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#UserInfo">OIDC Core §5.3</a>
 */
@Path("userinfo")
public class UserInfoEndpoint {

    private final IdentitySettings settings;
    private final AccessTokenVerifier accessTokenVerifier;
    private final Users users;

    public UserInfoEndpoint(IdentitySettings settings, AccessTokenVerifier accessTokenVerifier, Users users) {
        this.settings = settings;
        this.accessTokenVerifier = accessTokenVerifier;
        this.users = users;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return userInfo(authorization);
    }

    /** OIDC Core §5.3.1: the UserInfo Endpoint MUST support GET and POST. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return userInfo(authorization);
    }

    private Response userInfo(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // RFC 6750 §3.1: without credentials, no error code, just the challenge
            return NoStore.on(Response.status(Response.Status.UNAUTHORIZED))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + settings.issuer() + "\"")
                    .build();
        }
        VerifiedAccessToken token = accessTokenVerifier.verify(authorization.substring(7).trim());
        if (!token.scope().contains(Scope.OPENID)) {
            throw new OAuthException(OAuthError.INVALID_TOKEN, "The access token was not issued for OpenID Connect");
        }
        User user = userId(token).flatMap(users::find).filter(User::enabled)
                .orElseThrow(() -> new OAuthException(OAuthError.INVALID_TOKEN, "The user no longer exists"));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.id().toString());
        claims.putAll(UserClaims.of(user, token.scope()));
        return NoStore.on(Response.ok(claims, MediaType.APPLICATION_JSON_TYPE)).build();
    }

    /** A client_credentials token's subject is a client, not a user. */
    private static java.util.Optional<java.util.UUID> userId(VerifiedAccessToken token) {
        try {
            return java.util.Optional.of(java.util.UUID.fromString(token.subject()));
        } catch (IllegalArgumentException notAUser) {
            return java.util.Optional.empty();
        }
    }
}
