package dev.echoid.identity.token;

import dev.echoid.identity.security.Sealer;
import java.util.Optional;

/** Private signing keys at rest, sealed by {@link Sealer} under {@code IDENTITY_KEY_ENCRYPTION_KEY} when set. */
final class KeyEncryption {

    private final Sealer sealer;

    KeyEncryption(Optional<byte[]> key) {
        this.sealer = Sealer.forSigningKeys(key);
    }

    String seal(byte[] plain) {
        return sealer.seal(plain);
    }

    /** The private key of {@code kid}; an unsealed one is refused once a key is set (never silently used). */
    byte[] open(String kid, String stored) {
        try {
            return sealer.open(stored);
        } catch (Sealer.UnsealedSecretException e) {
            throw new IllegalStateException("Signing key " + kid + " is stored unsealed while "
                    + "IDENTITY_KEY_ENCRYPTION_KEY is set: refused, it neither signs nor is published. If it was "
                    + "stored before the key was set, seal it with " + Sealer.SEAL_COMMAND + "; otherwise someone "
                    + "wrote it into the database", e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage().replace("Secrets are", "The signing keys are")
                    .replace("A secret", "Signing key " + kid), e);
        }
    }
}
