package dev.echoid.identity.token;

import dev.echoid.plumbing.CryptoProvider;
import dev.echoid.identity.store.SigningKeyStore;
import dev.echoid.identity.store.SigningKeyStore.StoredKey;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The provider's signing keys, kept in the database so that every node signs and verifies with the same keys, and
 * chosen by time so that nodes agree without talking to each other.
 *
 * <p>Per algorithm, a key is published in the JWKS from its creation and signs from its {@code not_before}
 * (creation plus the publish delay, longer than the JWKS cache time, so relying parties know a key before they see
 * it). The signing key is the newest one whose {@code not_before} has passed. A key whose successor signs stays
 * published, and verifies, for the longest token lifetime plus {@link #CLOCK_SKEW} after the switch; then it is
 * retired (the row is kept).
 *
 * <p>The keys are reloaded from the database when the cache is older than {@link #CACHE_TIME}, or when a token names
 * an unknown {@code kid} (at most once per {@link #MIN_RELOAD_INTERVAL}), so a rotation made on one node reaches all.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys">OIDC Core §10.1.1</a>
 */
public final class SigningKeys {

    public static final String RS256 = "RS256";
    public static final String ES256 = "ES256";
    /** The skew relying parties tolerate when checking {@code exp}, added to how long a superseded key verifies. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PUBLISH_DELAY = Duration.ofSeconds(600);
    static final Duration CACHE_TIME = Duration.ofSeconds(30);
    static final Duration MIN_RELOAD_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = System.getLogger(SigningKeys.class.getName());
    private static final List<String> ALGORITHMS = List.of(RS256, ES256);
    private static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofMinutes(15);

    /** Where a key is in its life. */
    public enum Status {
        /** Published, not yet signing. */
        UPCOMING,
        /** Published and signing. */
        ACTIVE,
        /** Superseded: published and verifying tokens it signed earlier, no longer signing. */
        RETIRING,
        /** Neither published nor used. */
        RETIRED
    }

    /**
     * What may be shown about a key: never its private part.
     *
     * @param retiresAt when it stops being published: its successor's {@code not_before} plus the longest token
     *                  lifetime and the clock skew; null while it has no successor
     */
    public record KeyInfo(String kid, String algorithm, Instant createdAt, Instant notBefore, Status status,
            Instant retiresAt) {
    }

    /**
     * The outcome of {@link #rotate(String)}.
     *
     * @param added false when an upcoming key already existed and is returned instead of a new one
     */
    public record Rotation(KeyInfo key, boolean added) {
    }

    /** One stored key; {@code key} is null for a key retired when loaded (never opened again). */
    private record Entry(StoredKey stored, SigningKey key, Instant successorNotBefore) {
    }

    private record Snapshot(List<Entry> entries) {
    }

    /** The keys last published and the JWK Set rendered from them. */
    private record PublishedKeys(List<Entry> entries, Map<String, Object> jwks) {
    }

    private final SigningKeyStore store;
    private final KeyEncryption encryption;
    private final Clock clock;
    private final Duration publishDelay;
    private final Duration verificationWindow;
    private final CryptoProvider crypto;
    private volatile Snapshot snapshot = new Snapshot(List.of());
    private volatile Instant lastLoad = Instant.MIN;
    private volatile PublishedKeys publishedKeys;

    /** With the default publish delay and token lifetime and the system clock: for tests and tools. */
    public SigningKeys(SigningKeyStore store, Optional<byte[]> keyEncryptionKey) {
        this(store, keyEncryptionKey, CryptoProvider.preferred());
    }

    /** As {@link #SigningKeys(SigningKeyStore, Optional)}, the keys used through {@code crypto}. */
    public SigningKeys(SigningKeyStore store, Optional<byte[]> keyEncryptionKey, CryptoProvider crypto) {
        this(store, keyEncryptionKey, Clock.systemUTC(), DEFAULT_PUBLISH_DELAY, DEFAULT_MAX_TOKEN_LIFETIME, crypto);
    }

    /** As the full constructor, with the {@linkplain CryptoProvider#preferred() preferred} provider. */
    public SigningKeys(SigningKeyStore store, Optional<byte[]> keyEncryptionKey, Clock clock, Duration publishDelay,
            Duration maxTokenLifetime) {
        this(store, keyEncryptionKey, clock, publishDelay, maxTokenLifetime, CryptoProvider.preferred());
    }

    /**
     * @param publishDelay     how long a new key is published before it signs (not for the first key of an
     *                         algorithm, which signs at once)
     * @param maxTokenLifetime the longest lifetime of a token these keys sign
     * @param crypto           the JCA provider that generates, reads, signs and verifies with the keys
     */
    public SigningKeys(SigningKeyStore store, Optional<byte[]> keyEncryptionKey, Clock clock, Duration publishDelay,
            Duration maxTokenLifetime, CryptoProvider crypto) {
        if (publishDelay.isNegative() || maxTokenLifetime.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        this.store = store;
        this.encryption = new KeyEncryption(keyEncryptionKey);
        this.clock = clock;
        this.publishDelay = publishDelay;
        this.verificationWindow = maxTokenLifetime.plus(CLOCK_SKEW);
        this.crypto = crypto;
    }

    /** The JCA provider these keys are used through. */
    public CryptoProvider crypto() {
        return crypto;
    }

    /** Creates a key for each algorithm that has none able to sign now (it signs at once), then loads all keys. */
    public SigningKeys initialize() {
        for (String algorithm : ALGORITHMS) {
            Instant now = now();
            store.findOrInsert(algorithm, k -> k.retiredAt() == null && !k.notBefore().isAfter(now),
                    () -> generate(algorithm, now, now));
        }
        reload();
        for (String algorithm : ALGORITHMS) {
            signingKey(algorithm);
        }
        return this;
    }

    /** Reads the keys from the database now. */
    public synchronized void reload() {
        Instant now = now();
        lastLoad = now;
        snapshot = load(now);
    }

    /** The JWS algorithms these keys sign with, RS256 first. */
    public List<String> supportedAlgorithms() {
        return ALGORITHMS;
    }

    /** The RS256 key that signs now: access tokens, and ID tokens unless a client asks for another algorithm. */
    public SigningKey.Rsa signingKey() {
        return (SigningKey.Rsa) signingKey(RS256);
    }

    /**
     * The key that signs now with {@code algorithm}.
     *
     * @throws IllegalArgumentException when the algorithm is not one of {@link #supportedAlgorithms()}
     */
    public SigningKey signingKey(String algorithm) {
        requireSupported(algorithm);
        Instant now = clock.instant();
        return fresh().entries().stream()
                .filter(e -> e.stored().algorithm().equals(algorithm) && status(e, now) == Status.ACTIVE)
                .findFirst()
                .map(Entry::key)
                .orElseThrow(() -> new IllegalStateException("No " + algorithm + " signing key"));
    }

    /** A published key (upcoming, active or retiring), by {@code kid}; an unknown one triggers a reload. */
    public Optional<SigningKey> byKid(String kid) {
        Optional<SigningKey> found = published(fresh(), kid);
        if (found.isEmpty() && refresh(MIN_RELOAD_INTERVAL)) {
            found = published(snapshot, kid);
        }
        return found;
    }

    /**
     * The JWK Set document (RFC 7517 §5): every published key, RS256 first, newest first. The same (unmodifiable)
     * object while the published keys stay the same, so a caller may keep what it rendered from it.
     */
    public Map<String, Object> jwks() {
        Instant now = clock.instant();
        List<Entry> entries = fresh().entries();
        List<Entry> published = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (isPublished(status(entry, now))) {
                published.add(entry);
            }
        }
        PublishedKeys last = publishedKeys;
        if (last != null && last.entries().equals(published)) {
            return last.jwks(); // the JWKS is read on every verification elsewhere: no new maps per request
        }
        List<Map<String, Object>> keys = new ArrayList<>(published.size());
        for (Entry entry : published) {
            keys.add(Collections.unmodifiableMap(entry.key().publicJwk()));
        }
        Map<String, Object> jwks = Map.of("keys", List.copyOf(keys));
        publishedKeys = new PublishedKeys(List.copyOf(published), jwks);
        return jwks;
    }

    /** Every key, retired ones included, without private parts. */
    public List<KeyInfo> keys() {
        Instant now = clock.instant();
        return fresh().entries().stream().map(e -> info(e, now)).toList();
    }

    /**
     * Adds a key for {@code algorithm} that is published now and signs after the publish delay; if such an upcoming
     * key already exists (another rotation, perhaps on another node), returns that one instead of adding another.
     */
    public Rotation rotate(String algorithm) {
        requireSupported(algorithm);
        Instant now = now();
        Instant notBefore = now.plus(publishDelay);
        AtomicBoolean added = new AtomicBoolean();
        StoredKey key = store.findOrInsert(algorithm, k -> k.retiredAt() == null && k.notBefore().isAfter(now),
                () -> {
                    added.set(true);
                    return generate(algorithm, now, notBefore);
                });
        reload();
        KeyInfo info = keys().stream().filter(k -> k.kid().equals(key.kid())).findFirst().orElseThrow();
        if (added.get()) {
            LOG.log(Level.INFO, "Signing key rotation: new {0} key {1} published now, signs from {2}", algorithm,
                    key.kid(), key.notBefore());
        } else {
            LOG.log(Level.INFO, "Signing key rotation: {0} key {1} is already upcoming (signs from {2}); none added",
                    algorithm, key.kid(), key.notBefore());
        }
        return new Rotation(info, added.get());
    }

    // --- loading and the life of a key ---

    private Snapshot fresh() {
        if (!clock.instant().isBefore(lastLoad.plus(CACHE_TIME))) {
            refresh(CACHE_TIME);
        }
        return snapshot;
    }

    /** Reloads unless the last load is younger than {@code minAge}; a failure keeps the keys already loaded. */
    private synchronized boolean refresh(Duration minAge) {
        Instant now = now();
        if (now.isBefore(lastLoad.plus(minAge))) {
            return false;
        }
        lastLoad = now;
        try {
            snapshot = load(now);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Cannot reload the signing keys; serving the ones loaded before: " + e.getMessage(),
                    e);
            return false;
        }
    }

    private Snapshot load(Instant now) {
        Map<String, SigningKey> opened = new HashMap<>();
        snapshot.entries().stream().filter(e -> e.key() != null).forEach(e -> opened.put(e.stored().kid(), e.key()));

        List<StoredKey> all = store.all();
        List<Entry> entries = new ArrayList<>();
        for (String algorithm : ALGORITHMS) {
            // newest first: each key's successor is the live key seen just before it
            List<StoredKey> newestFirst = all.stream()
                    .filter(k -> k.algorithm().equals(algorithm))
                    .sorted(Comparator.comparing(StoredKey::notBefore).thenComparing(StoredKey::createdAt)
                            .thenComparing(StoredKey::kid).reversed())
                    .toList();
            Instant successor = null;
            for (StoredKey stored : newestFirst) {
                Entry entry = new Entry(stored, null, stored.retiredAt() == null ? successor : null);
                if (status(entry, now) != Status.RETIRED) {
                    entry = new Entry(stored, opened.computeIfAbsent(stored.kid(), kid -> open(stored)),
                            entry.successorNotBefore());
                }
                if (stored.retiredAt() == null) {
                    successor = stored.notBefore();
                }
                entries.add(entry);
            }
        }
        return new Snapshot(List.copyOf(entries));
    }

    private Status status(Entry entry, Instant now) {
        StoredKey stored = entry.stored();
        if (stored.retiredAt() != null) {
            return Status.RETIRED;
        }
        if (stored.notBefore().isAfter(now)) {
            return Status.UPCOMING;
        }
        Instant successor = entry.successorNotBefore();
        if (successor == null || successor.isAfter(now)) {
            return Status.ACTIVE;
        }
        return now.isBefore(successor.plus(verificationWindow)) ? Status.RETIRING : Status.RETIRED;
    }

    private KeyInfo info(Entry entry, Instant now) {
        StoredKey stored = entry.stored();
        Instant retiresAt = stored.retiredAt() != null ? stored.retiredAt()
                : entry.successorNotBefore() == null ? null : entry.successorNotBefore().plus(verificationWindow);
        return new KeyInfo(stored.kid(), stored.algorithm(), stored.createdAt(), stored.notBefore(),
                status(entry, now), retiresAt);
    }

    private Optional<SigningKey> published(Snapshot keys, String kid) {
        Instant now = clock.instant();
        return keys.entries().stream()
                .filter(e -> e.stored().kid().equals(kid) && isPublished(status(e, now)))
                .findFirst()
                .map(Entry::key);
    }

    private static boolean isPublished(Status status) {
        return status != Status.RETIRED;
    }

    private static void requireSupported(String algorithm) {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("Unsupported signing algorithm: " + algorithm);
        }
    }

    private Instant now() {
        // the database keeps microseconds; milliseconds survive the round trip unchanged
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // --- key material ---

    private StoredKey generate(String algorithm, Instant createdAt, Instant notBefore) {
        try {
            KeyPair pair;
            String kid;
            if (algorithm.equals(RS256)) {
                KeyPairGenerator generator = crypto.keyPairGenerator("RSA");
                generator.initialize(2048);
                pair = generator.generateKeyPair();
                kid = SigningKey.thumbprint((RSAPublicKey) pair.getPublic());
            } else {
                KeyPairGenerator generator = crypto.keyPairGenerator("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                pair = generator.generateKeyPair();
                kid = SigningKey.thumbprint((ECPublicKey) pair.getPublic());
            }
            return new StoredKey(kid, algorithm, pair.getPublic().getEncoded(),
                    encryption.seal(pair.getPrivate().getEncoded()), createdAt, notBefore, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an " + algorithm + " key", e);
        }
    }

    /** Whether a probe signed with the private part verifies with the public part. */
    private static boolean pairs(SigningKey key) throws GeneralSecurityException {
        String algorithm = key instanceof SigningKey.Rsa ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] probe = key.kid().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key.privateKey());
        signer.update(probe);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(key.publicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private SigningKey open(StoredKey stored) {
        try {
            X509EncodedKeySpec publicSpec = new X509EncodedKeySpec(stored.publicKey());
            PKCS8EncodedKeySpec privateSpec = new PKCS8EncodedKeySpec(encryption.open(stored.kid(),
                    stored.privateKey()));
            SigningKey key;
            if (stored.algorithm().equals(RS256)) {
                KeyFactory factory = crypto.keyFactory("RSA");
                RSAPublicKey publicKey = (RSAPublicKey) factory.generatePublic(publicSpec);
                key = new SigningKey.Rsa(SigningKey.thumbprint(publicKey), publicKey,
                        (RSAPrivateKey) factory.generatePrivate(privateSpec), crypto);
            } else {
                KeyFactory factory = crypto.keyFactory("EC");
                ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(publicSpec);
                key = new SigningKey.Ec(SigningKey.thumbprint(publicKey), publicKey,
                        (ECPrivateKey) factory.generatePrivate(privateSpec), crypto);
            }
            if (!key.kid().equals(stored.kid())) {
                throw new IllegalStateException("Signing key " + stored.kid() + " is stored under a kid that is not "
                        + "its thumbprint");
            }
            // a row pairing someone's public key with a sealed private key copied from another row is refused too
            if (!pairs(key)) {
                throw new IllegalStateException("Signing key " + stored.kid() + ": its private part does not belong "
                        + "to its public key: refused");
            }
            return key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("Signing key " + stored.kid() + " cannot be read", e);
        }
    }
}
