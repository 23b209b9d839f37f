package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationGrant;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.store.Client;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The grant types this provider supports, by name; any other is {@code unsupported_grant_type}. */
public final class GrantHandlers {

    private final Map<String, GrantHandler<?>> handlers;

    public GrantHandlers(List<GrantHandler<?>> handlers) {
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(GrantHandler::grantType,
                Function.identity()));
    }

    /**
     * Answers the grant of an authenticated client, checking in this order: a grant_type at all, one this server
     * supports, one the client may use, then the grant's own parameters, then the handler's rules.
     */
    public Map<String, Object> handle(AuthorizationGrant grant, Client client, TokenRequester requester) {
        if (grant.grantType() == null) {
            throw ((AuthorizationGrant.Malformed) grant).error();
        }
        GrantHandler<?> handler = forType(grant.grantType());
        // RFC 6749 §5.2: unauthorized_client when the client may not use this grant type
        if (!client.allows(grant.grantType())) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "The client may not use this grant type");
        }
        if (grant instanceof AuthorizationGrant.Malformed malformed) {
            throw malformed.error();
        }
        return handle(handler, grant, client, requester);
    }

    private static <G extends AuthorizationGrant> Map<String, Object> handle(GrantHandler<G> handler,
            AuthorizationGrant grant, Client client, TokenRequester requester) {
        return handler.handle(handler.grantClass().cast(grant), client, requester);
    }

    public GrantHandler<?> forType(String grantType) {
        GrantHandler<?> handler = handlers.get(grantType);
        if (handler == null) {
            throw new OAuthException(OAuthError.UNSUPPORTED_GRANT_TYPE,
                    "The grant type is not supported by this server");
        }
        return handler;
    }

    public Set<String> supported() {
        return handlers.keySet();
    }
}
