package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class CodeVerifierTest {

    @Test
    void challengeWhenRfc7636AppendixBVerifierThenAppendixBChallenge() {
        CodeVerifier verifier = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        assertThat(verifier.challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void generateWhenCalledThenFortyThreeUnreservedCharactersAndFreshEachTime() {
        RandomValues random = new RandomValues(new SecureRandom());
        CodeVerifier first = CodeVerifier.generate(random);
        CodeVerifier second = CodeVerifier.generate(random);

        assertThat(first.value()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void constructWhenTooShortThenRejected() {
        assertThatThrownBy(() -> new CodeVerifier("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringWhenPrintedThenValueHidden() {
        assertThat(new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").toString()).doesNotContain("dBjf");
    }
}
