package dev.echoid.identity.store;

import java.util.Optional;
import java.util.UUID;

/** Grants, with the refresh and access tokens that hang off them. */
public interface Grants {

    void create(Grant grant);

    /** Creates the grant within {@code tx}. */
    void create(Transaction tx, Grant grant);

    Optional<Grant> find(UUID id);

    /** The grant an access token was issued from, by the token's {@code jti}. */
    Optional<Grant> findByAccessToken(String jti);

    /** Revokes the grant, and with it every refresh and access token issued from it. */
    void revoke(UUID id, String reason);

    /** Revokes the grants of a sign-on session (logout), except those with the given scope value (offline). */
    int revokeBySession(UUID ssoSessionId, String keepScope, String reason);
}
