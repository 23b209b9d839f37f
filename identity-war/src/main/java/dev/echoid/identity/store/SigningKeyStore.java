package dev.echoid.identity.store;

import java.time.Instant;
import java.util.List;

/** Signing keys, the private part as stored (possibly encrypted). */
public interface SigningKeyStore {

    record StoredKey(String kid, String algorithm, byte[] publicKey, String privateKey, Instant createdAt,
            boolean active) {
    }

    List<StoredKey> all();

    /**
     * Inserts the key produced by {@code generator} unless an active key of that algorithm exists, in one
     * transaction under a lock, so that nodes starting together agree on one key.
     */
    void ensureActiveKey(String algorithm, java.util.function.Supplier<StoredKey> generator);
}
