package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SealerTest {

    private final byte[] key = RandomTokens.bytes(32);
    private final byte[] secret = "a TOTP secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealWhenKeySetThenEncryptedAndOpensWithTheSameKeyAndPurposeOnly() {
        String sealed = new Sealer(Optional.of(key), "totp").seal(secret);
        assertThat(sealed).startsWith("aesgcm:").doesNotContain("TOTP");
        assertThat(new Sealer(Optional.of(key), "totp").open(sealed)).isEqualTo(secret);
        assertThatThrownBy(() -> new Sealer(Optional.of(key), "signing key").open(sealed))
                .hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> new Sealer(Optional.of(RandomTokens.bytes(32)), "totp").open(sealed))
                .hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> new Sealer(Optional.empty(), "totp").open(sealed))
                .hasMessageContaining("IDENTITY_KEY_ENCRYPTION_KEY");
    }

    @Test
    void sealWhenNoKeyThenPlainBase64ReadableOnlyWithoutAKey() {
        String stored = new Sealer(Optional.empty(), "totp").seal(secret);
        assertThat(new Sealer(Optional.empty(), "totp").open(stored)).isEqualTo(secret);
        // once a key is set, a plain value (stored before the key, or planted) is refused, never used
        assertThatThrownBy(() -> new Sealer(Optional.of(key), "totp").open(stored))
                .isInstanceOf(Sealer.UnsealedSecretException.class)
                .hasMessageContaining("unsealed").hasMessageContaining(Sealer.SEAL_COMMAND);
    }

    @Test
    void sealStoredWhenPlainThenSealedAndWhenSealedThenUnchangedIfItOpens() {
        Sealer sealer = new Sealer(Optional.of(key), "totp");
        String plain = new Sealer(Optional.empty(), "totp").seal(secret);
        String sealed = sealer.sealStored(plain);
        assertThat(Sealer.isSealed(sealed)).isTrue();
        assertThat(sealer.open(sealed)).isEqualTo(secret);
        assertThat(sealer.sealStored(sealed)).as("idempotent").isEqualTo(sealed);
        assertThatThrownBy(() -> new Sealer(Optional.of(RandomTokens.bytes(32)), "totp").sealStored(sealed))
                .hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> new Sealer(Optional.empty(), "totp").sealStored(plain))
                .hasMessageContaining("IDENTITY_KEY_ENCRYPTION_KEY is not set");
    }
}
