package dev.echoid.identity.store;

import java.util.Optional;
import java.util.UUID;

/** Users' TOTP secrets (sealed). Contract: {@link #use} accepts each time step at most once per user. */
public interface TotpCredentials {

    record TotpCredential(UUID userId, String sealedSecret, long lastUsedStep) {
    }

    Optional<TotpCredential> find(UUID userId);

    /** Enrols (or re-enrols) the user, with the step of the confirming code already used. */
    void save(UUID userId, String sealedSecret, long confirmedStep);

    /** Marks a step used, atomically; false when it (or a later step) was used already. */
    boolean use(UUID userId, long step);

    boolean delete(UUID userId);
}
