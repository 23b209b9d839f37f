package dev.echoid.identity.token;

import dev.echoid.identity.security.RandomTokens;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protects private signing keys at rest with AES-256-GCM when {@code IDENTITY_KEY_ENCRYPTION_KEY} is set.
 * Stored form: {@code aesgcm:} + base64(12-byte IV || ciphertext+tag), or plain base64 without a key.
 */
final class KeyEncryption {

    private static final String PREFIX = "aesgcm:";
    private static final byte[] AAD = "echoid signing key v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Optional<SecretKeySpec> key;

    KeyEncryption(Optional<byte[]> key) {
        this.key = key.map(bytes -> new SecretKeySpec(bytes, "AES"));
    }

    String seal(byte[] plain) {
        if (key.isEmpty()) {
            return Base64.getEncoder().encodeToString(plain);
        }
        try {
            byte[] iv = RandomTokens.bytes(12);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.get(), new GCMParameterSpec(128, iv));
            cipher.updateAAD(AAD);
            byte[] sealed = cipher.doFinal(plain);
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a signing key", e);
        }
    }

    byte[] open(String stored) {
        if (!stored.startsWith(PREFIX)) {
            return Base64.getDecoder().decode(stored);
        }
        SecretKeySpec secret = key.orElseThrow(() -> new IllegalStateException(
                "The signing keys are encrypted: set IDENTITY_KEY_ENCRYPTION_KEY to the key they were sealed with"));
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, secret, new GCMParameterSpec(128, all, 0, 12));
            cipher.updateAAD(AAD);
            return cipher.doFinal(all, 12, all.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A signing key cannot be decrypted: wrong IDENTITY_KEY_ENCRYPTION_KEY?", e);
        }
    }
}
