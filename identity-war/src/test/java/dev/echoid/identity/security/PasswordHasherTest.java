package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = PasswordHasher.owaspDefault();

    @Test
    void hashWhenDefaultThenArgon2idWithOwaspParametersStoredBesideIt() {
        String hash = hasher.hash("correct horse");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse", hash)).isTrue();
    }

    @Test
    void hashWhenSamePasswordTwiceThenDifferentSalts() {
        assertThat(hasher.hash("pw")).isNotEqualTo(hasher.hash("pw"));
    }

    @Test
    void verifyWhenWrongPasswordThenFalse() {
        assertThat(hasher.verify("wrong", hasher.hash("right"))).isFalse();
    }

    @Test
    void verifyWhenStoredHashMalformedOrPasswordTooLongThenFalse() {
        assertThat(hasher.verify("pw", "plaintext")).isFalse();
        assertThat(hasher.verify("pw", null)).isFalse();
        String tooLong = "x".repeat(PasswordHasher.MAX_LENGTH + 1);
        assertThat(hasher.verify(tooLong, hasher.hash(tooLong))).isFalse();
    }

    @Test
    void verifyWhenHashMadeWithOtherParametersThenParametersReadFromHash() {
        String cheap = new PasswordHasher(1024, 1, 1).hash("pw");
        assertThat(cheap).contains("m=1024,t=1,p=1");
        assertThat(hasher.verify("pw", cheap)).isTrue();
    }

    @Test
    void needsRehashWhenOtherParametersOrAlgorithmThenTrue() {
        assertThat(hasher.needsRehash(hasher.hash("pw"))).isFalse();
        assertThat(hasher.needsRehash(new PasswordHasher(1024, 1, 1).hash("pw"))).isTrue();
        assertThat(hasher.needsRehash("$2a$10$bcrypt-or-anything-else")).isTrue();
    }
}
