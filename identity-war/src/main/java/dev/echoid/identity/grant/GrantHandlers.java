package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The grant types this provider supports, by name; any other is {@code unsupported_grant_type}. */
public final class GrantHandlers {

    private final Map<String, GrantHandler> handlers;

    public GrantHandlers(List<GrantHandler> handlers) {
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(GrantHandler::grantType,
                Function.identity()));
    }

    public GrantHandler forType(String grantType) {
        GrantHandler handler = handlers.get(grantType);
        if (handler == null) {
            throw new OAuthException(OAuthError.UNSUPPORTED_GRANT_TYPE,
                    "The grant type is not supported by this server");
        }
        return handler;
    }

    public java.util.Set<String> supported() {
        return handlers.keySet();
    }
}
