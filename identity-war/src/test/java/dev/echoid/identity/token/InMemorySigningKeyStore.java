package dev.echoid.identity.token;

import dev.echoid.identity.store.SigningKeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A signing key store for fast tests; the JDBC one is covered by the ITs against PostgreSQL. */
public final class InMemorySigningKeyStore implements SigningKeyStore {

    final List<StoredKey> keys = new ArrayList<>();

    @Override
    public synchronized List<StoredKey> all() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized StoredKey findOrInsert(String algorithm, Predicate<StoredKey> sufficient,
            Supplier<StoredKey> generator) {
        return keys.stream()
                .filter(k -> k.algorithm().equals(algorithm))
                .sorted(Comparator.comparing(StoredKey::notBefore).thenComparing(StoredKey::createdAt).reversed())
                .filter(sufficient)
                .findFirst()
                .orElseGet(() -> {
                    StoredKey key = generator.get();
                    keys.add(key);
                    return key;
                });
    }
}
