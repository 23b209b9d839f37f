package dev.echoid.identity.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What people allowed clients on the consent page (OIDC Core §11): the latest answer per user and client, so that
 * an account page can list and withdraw them.
 */
public interface Consents {

    /** One person's consent to one client. */
    record Consent(UUID userId, String clientId, String scope, Instant grantedAt) {
    }

    /** Records (or replaces) the user's consent to the client for the scope. */
    void record(Consent consent);

    /** The user's consents that stand, by client id. */
    List<Consent> of(UUID userId);
}
