package dev.echoid.identity.token;

import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.User;
import java.util.LinkedHashMap;
import java.util.Map;

/** Standard claims released for a scope (OIDC Core §5.4), for the ID token and the UserInfo response. */
public final class UserClaims {

    private UserClaims() {
    }

    public static Map<String, Object> of(User user, Scope scope) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (scope.contains(Scope.PROFILE)) {
            claims.put("preferred_username", user.username());
            if (user.name() != null) {
                claims.put("name", user.name());
            }
        }
        if (scope.contains(Scope.EMAIL) && user.email() != null) {
            claims.put("email", user.email());
            claims.put("email_verified", user.emailVerified());
        }
        return claims;
    }
}
