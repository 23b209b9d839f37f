package dev.echoid.identity.token;

import dev.echoid.identity.store.SigningKeyStore;
import dev.echoid.identity.store.SigningKeyStore.StoredKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The provider's signing keys, kept in the database so that a restart or another node signs and verifies with the
 * same keys. The newest active key signs; every stored key is published in the JWKS and verifies.
 */
public final class SigningKeys {

    public static final String RS256 = "RS256";

    private final SigningKeyStore store;
    private final KeyEncryption encryption;
    private volatile List<SigningKey> keys = List.of();

    public SigningKeys(SigningKeyStore store, Optional<byte[]> keyEncryptionKey) {
        this.store = store;
        this.encryption = new KeyEncryption(keyEncryptionKey);
    }

    /** Creates the first key when there is none, then loads all keys. */
    public SigningKeys initialize() {
        store.ensureActiveKey(RS256, this::generate);
        reload();
        return this;
    }

    public void reload() {
        keys = store.all().stream().map(this::open).toList();
        if (current().isEmpty()) {
            throw new IllegalStateException("No active signing key");
        }
    }

    /** The key that signs new tokens. */
    public SigningKey signingKey() {
        return current().orElseThrow(() -> new IllegalStateException("No active signing key"));
    }

    public Optional<SigningKey> byKid(String kid) {
        return keys.stream().filter(k -> k.kid().equals(kid)).findFirst();
    }

    /** The JWK Set document (RFC 7517 §5). */
    public Map<String, Object> jwks() {
        return Map.of("keys", keys.stream().map(SigningKey::publicJwk).toList());
    }

    private Optional<SigningKey> current() {
        return keys.stream().filter(SigningKey::active).findFirst();
    }

    private StoredKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
            return new StoredKey(SigningKey.thumbprint(publicKey), RS256, publicKey.getEncoded(),
                    encryption.seal(pair.getPrivate().getEncoded()), Instant.now(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an RSA key", e);
        }
    }

    private SigningKey open(StoredKey stored) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            RSAPublicKey publicKey = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(stored.publicKey()));
            RSAPrivateKey privateKey = (RSAPrivateKey) factory.generatePrivate(
                    new PKCS8EncodedKeySpec(encryption.open(stored.privateKey())));
            return new SigningKey(stored.kid(), stored.algorithm(), publicKey, privateKey, stored.active());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing key " + stored.kid() + " cannot be read", e);
        }
    }
}
