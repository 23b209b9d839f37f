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
 * Protects secrets at rest (signing keys, TOTP secrets) with AES-256-GCM when {@code IDENTITY_KEY_ENCRYPTION_KEY} is
 * set. Stored form: {@code aesgcm:} + base64(12-byte IV || ciphertext+tag), or plain base64 without a key. The
 * purpose is bound as associated data, so a sealed value of one kind cannot be passed off as another.
 */
public final class Sealer {

    private static final String PREFIX = "aesgcm:";

    private final Optional<SecretKeySpec> key;
    private final byte[] purpose;

    public Sealer(Optional<byte[]> key, String purpose) {
        this.key = key.map(bytes -> new SecretKeySpec(bytes, "AES"));
        this.purpose = purpose.getBytes(StandardCharsets.US_ASCII);
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

    public byte[] open(String stored) {
        if (!stored.startsWith(PREFIX)) {
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
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A secret cannot be decrypted: wrong IDENTITY_KEY_ENCRYPTION_KEY?", e);
        }
    }
}
