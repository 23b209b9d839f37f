package dev.echoid.identity.store;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Signing keys, the private part as stored (possibly encrypted). Rows are never deleted. */
public interface SigningKeyStore {

    /**
     * One key as stored.
     *
     * @param notBefore the time from which the key may sign; it is published from {@code createdAt}
     * @param retiredAt when the key was withdrawn by hand, else null
     */
    record StoredKey(String kid, String algorithm, byte[] publicKey, String privateKey, Instant createdAt,
            Instant notBefore, Instant retiredAt) {
    }

    /** Every key, retired ones included. */
    List<StoredKey> all();

    /**
     * Returns the newest key of {@code algorithm} (by {@code notBefore}) that {@code sufficient} accepts, or else
     * inserts and returns the key {@code generator} produces: in one transaction under a lock that every node takes,
     * so that nodes starting or rotating together add one key, not one each.
     */
    StoredKey findOrInsert(String algorithm, Predicate<StoredKey> sufficient, Supplier<StoredKey> generator);
}
