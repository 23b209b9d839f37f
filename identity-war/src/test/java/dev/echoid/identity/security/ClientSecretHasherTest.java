package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.security.ClientSecretHasher.Verification;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientSecretHasherTest {

    private static final String SECRET = RandomTokens.base64Url(32);

    private final HashingBudget budget = new HashingBudget(2, 0, Duration.ZERO);
    private final PasswordHasher legacy = new PasswordHasher(1024, 1, 1, budget);
    private final ClientSecretHasher hasher = new ClientSecretHasher(RandomTokens.bytes(32), legacy);

    @Test
    void clientSecretCheckIsHmacNotArgon2() {
        String stored = hasher.hash(SECRET);
        assertThat(stored).startsWith("hmac-sha256$").doesNotContain(SECRET);
        long before = budget.computed();
        assertThat(hasher.verify(SECRET, stored)).isEqualTo(Verification.MATCH);
        assertThat(hasher.verify(SECRET + "x", stored)).isEqualTo(Verification.NO_MATCH);
        hasher.verifyDummy(SECRET);
        assertThat(budget.computed()).as("Argon2id computations for HMAC secrets").isEqualTo(before);

        // microseconds, not the tens of milliseconds of Argon2id: 10,000 checks in well under a second
        long started = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            hasher.verify(SECRET, stored);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void hmacDependsOnTheServerKeySoAStolenRowAloneVerifiesNothing() {
        ClientSecretHasher otherServer = new ClientSecretHasher(RandomTokens.bytes(32), legacy);
        String stored = hasher.hash(SECRET);
        assertThat(otherServer.hash(SECRET)).isNotEqualTo(stored);
        assertThat(otherServer.verify(SECRET, stored)).isEqualTo(Verification.NO_MATCH);
        assertThat(hasher.hash(SECRET)).as("deterministic under one key").isEqualTo(stored);
    }

    @Test
    void legacyArgon2idHashMatchesOnceAndAsksToBeRewritten() {
        String stored = legacy.hash(SECRET);
        long before = budget.computed();
        assertThat(hasher.verify(SECRET, stored)).isEqualTo(Verification.MATCH_REWRITE);
        assertThat(hasher.verify("wrong", stored)).isEqualTo(Verification.NO_MATCH);
        assertThat(budget.computed()).as("a legacy hash costs Argon2id, right or wrong").isEqualTo(before + 2);
    }

    @Test
    void malformedOrMissingStoredFormsNeverMatch() {
        assertThat(hasher.verify(SECRET, null)).isEqualTo(Verification.NO_MATCH);
        assertThat(hasher.verify(null, hasher.hash(SECRET))).isEqualTo(Verification.NO_MATCH);
        assertThat(hasher.verify(SECRET, "hmac-sha256$not base64!")).isEqualTo(Verification.NO_MATCH);
        assertThat(hasher.verify(SECRET, "hmac-sha256$")).isEqualTo(Verification.NO_MATCH);
        assertThat(hasher.verify(SECRET, SECRET)).isEqualTo(Verification.NO_MATCH);
        String tooLong = "x".repeat(PasswordHasher.MAX_LENGTH + 1);
        assertThat(hasher.verify(tooLong, hasher.hash(tooLong))).isEqualTo(Verification.NO_MATCH);
    }
}
