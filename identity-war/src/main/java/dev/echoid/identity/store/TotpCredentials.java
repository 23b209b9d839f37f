package dev.echoid.identity.store;

import java.util.Optional;
import java.util.UUID;

/** Users' TOTP secrets (sealed). Contract: {@link #use} accepts each time step at most once per user. */
public interface TotpCredentials {

    record TotpCredential(UUID userId, String sealedSecret, long lastUsedStep) {
    }

    Optional<TotpCredential> find(UUID userId);

    /**
     * Enrols the user, with the step of the confirming code already used. Insert-only: false (and nothing changed)
     * when the user has a credential already, so a repeated or concurrent enrolment never overwrites one.
     */
    boolean save(UUID userId, String sealedSecret, long confirmedStep);

    /**
     * Replaces the user's credential, atomically, only while it is still {@code expectedSealedSecret} (the one whose
     * code was just checked); false when it changed or is gone.
     */
    boolean replace(UUID userId, String expectedSealedSecret, String sealedSecret, long confirmedStep);

    /** Marks a step used, atomically; false when it (or a later step) was used already. */
    boolean use(UUID userId, long step);

    boolean delete(UUID userId);
}
