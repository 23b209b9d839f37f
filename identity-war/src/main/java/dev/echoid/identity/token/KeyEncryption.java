package dev.echoid.identity.token;

import dev.echoid.identity.security.Sealer;
import java.util.Optional;

/** Private signing keys at rest, sealed by {@link Sealer} when {@code IDENTITY_KEY_ENCRYPTION_KEY} is set. */
final class KeyEncryption {

    private final Sealer sealer;

    KeyEncryption(Optional<byte[]> key) {
        this.sealer = new Sealer(key, "echoid signing key v1");
    }

    String seal(byte[] plain) {
        return sealer.seal(plain);
    }

    byte[] open(String stored) {
        try {
            return sealer.open(stored);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage().replace("Secrets are", "The signing keys are")
                    .replace("A secret", "A signing key"), e);
        }
    }
}
