package dev.echoid.identity.token;

import dev.echoid.identity.store.SigningKeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A signing key store for fast tests; the JDBC one is covered by SigningKeysIT against PostgreSQL. */
final class InMemorySigningKeyStore implements SigningKeyStore {

    final List<StoredKey> keys = new ArrayList<>();

    @Override
    public synchronized List<StoredKey> all() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized void ensureActiveKey(String algorithm, Supplier<StoredKey> generator) {
        if (keys.stream().noneMatch(k -> k.active() && k.algorithm().equals(algorithm))) {
            keys.add(generator.get());
        }
    }
}
