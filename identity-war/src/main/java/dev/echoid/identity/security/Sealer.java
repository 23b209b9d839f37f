package dev.echoid.identity.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protects secrets at rest (signing keys, TOTP secrets) with AES-256-GCM under {@code IDENTITY_KEY_ENCRYPTION_KEY}.
 * Stored form: {@code aesgcm:} + base64(12-byte IV || ciphertext+tag); plain base64 only without a key (dev mode).
 * The purpose is bound as associated data, so a sealed value of one kind cannot be passed off as another.
 *
 * <p>Once a key is set, a stored value in plain form is refused ({@link UnsealedSecretException}): it was written
 * before the key was set (seal it with {@code identity-admin secrets seal}), or planted by someone who can write the
 * database but not seal.
 */
public final class Sealer {

    /** The command that seals what was stored in plain form. */
    public static final String SEAL_COMMAND = "identity-admin secrets seal";
    private static final String PREFIX = "aesgcm:";

    private final Optional<SecretKeySpec> key;
    private final byte[] purpose;

    public Sealer(Optional<byte[]> key, String purpose) {
        this.key = key.map(bytes -> new SecretKeySpec(bytes, "AES"));
        this.purpose = purpose.getBytes(StandardCharsets.US_ASCII);
    }

    /** The sealer of the provider's private signing keys. */
    public static Sealer forSigningKeys(Optional<byte[]> key) {
        return new Sealer(key, "echoid signing key v1");
    }

    /** The sealer of users' TOTP secrets. */
    public static Sealer forTotpSecrets(Optional<byte[]> key) {
        return new Sealer(key, "echoid totp secret v1");
    }

    /** Thrown when a key is set and a stored value is not sealed. */
    public static final class UnsealedSecretException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        UnsealedSecretException(String message) {
            super(message);
        }
    }

    public boolean hasKey() {
        return key.isPresent();
    }

    public static boolean isSealed(String stored) {
        return stored.startsWith(PREFIX);
    }

    public String seal(byte[] plain) {
        if (key.isEmpty()) {
            return Base64.getEncoder().encodeToString(plain);
        }
        try {
            byte[] iv = RandomTokens.bytes(12);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.get(), new GCMParameterSpec(128, iv));
            cipher.updateAAD(purpose);
            byte[] sealed = cipher.doFinal(plain);
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a secret", e);
        }
    }

    /**
     * The secret in a stored value.
     *
     * @throws UnsealedSecretException when a key is set and the value is not sealed
     * @throws IllegalStateException   when the value is sealed and cannot be opened (no key, or another one)
     */
    public byte[] open(String stored) {
        if (!isSealed(stored)) {
            if (key.isPresent()) {
                throw new UnsealedSecretException("A secret is stored unsealed while IDENTITY_KEY_ENCRYPTION_KEY is "
                        + "set: refused (seal what was stored before the key with " + SEAL_COMMAND + ")");
            }
            return Base64.getDecoder().decode(stored);
        }
        SecretKeySpec secret = key.orElseThrow(() -> new IllegalStateException(
                "Secrets are encrypted: set IDENTITY_KEY_ENCRYPTION_KEY to the key they were sealed with"));
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, secret, new GCMParameterSpec(128, all, 0, 12));
            cipher.updateAAD(purpose);
            return cipher.doFinal(all, 12, all.length - 12);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("A secret cannot be decrypted: wrong IDENTITY_KEY_ENCRYPTION_KEY?", e);
        }
    }

    /**
     * For the seal command only: a value stored in plain form, sealed; a sealed one unchanged once it is proven to
     * open with this key (so that the command never leaves a mix of keys behind).
     *
     * @throws IllegalStateException without a key, or when a sealed value does not open with it
     */
    public String sealStored(String stored) {
        if (key.isEmpty()) {
            throw new IllegalStateException("IDENTITY_KEY_ENCRYPTION_KEY is not set: nothing to seal with");
        }
        if (isSealed(stored)) {
            open(stored);
            return stored;
        }
        return seal(Base64.getDecoder().decode(stored));
    }
}
