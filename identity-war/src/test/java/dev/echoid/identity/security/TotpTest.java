package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TotpTest {

    // RFC 6238 Appendix B: the SHA-1 seed, and the 8-digit values whose last 6 digits are our codes
    private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void codeWhenRfc6238AppendixBTimesThenItsValuesLastSixDigits() {
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(1111111109)))).isEqualTo("081804");
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(1234567890)))).isEqualTo("005924");
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(20000000000L)))).isEqualTo("353130");
    }

    @Test
    void matchingStepWhenWithinOneStepThenThatStepElseEmpty() {
        Instant now = Instant.ofEpochSecond(1111111109);
        long step = Totp.step(now);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step), now)).hasValue(step);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step - 1), now)).hasValue(step - 1);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step + 1), now)).hasValue(step + 1);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step - 2), now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step + 2), now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, "12345", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, "abcdef", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, null, now)).isEmpty();
    }

    @Test
    void base32WhenRfc4648VectorsThenSame() {
        assertThat(Totp.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
    }

    @Test
    void keyUriWhenBuiltThenStandardOtpauthFormat() {
        assertThat(Totp.keyUri("EchoID", "ada lovelace", "foobar".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("otpauth://totp/EchoID:ada%20lovelace?secret=MZXW6YTBOI&issuer=EchoID"
                        + "&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void base32DecodeWhenRfc4648VectorsThenTheBytesSpacesAndCaseIgnored() {
        assertThat(Totp.base32Decode("MZXW6YTBOI")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        assertThat(Totp.base32Decode("mzxw 6ytb oi")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        assertThat(Totp.base32Decode("MY")).isEqualTo("f".getBytes(StandardCharsets.US_ASCII));
        assertThat(Totp.base32Decode("MZXQ")).isEqualTo("fo".getBytes(StandardCharsets.US_ASCII));
        assertThat(Totp.base32Decode("")).isEmpty();
        byte[] secret = Totp.newSecret();
        assertThat(secret).hasSize(20);
        assertThat(Totp.base32Decode(Totp.base32(secret))).isEqualTo(secret);
    }
}
