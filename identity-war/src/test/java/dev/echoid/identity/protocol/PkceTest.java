package dev.echoid.identity.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PkceTest {

    // RFC 7636 Appendix B
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @Test
    void challengeOfVerifierMatchesRfc7636AppendixB() {
        assertThat(Pkce.challengeOf(VERIFIER)).isEqualTo(CHALLENGE);
        assertThat(Pkce.matches(VERIFIER, CHALLENGE)).isTrue();
    }

    @Test
    void matchesWhenVerifierDiffersThenFalse() {
        assertThat(Pkce.matches(VERIFIER.replace('d', 'e'), CHALLENGE)).isFalse();
    }

    @Test
    void matchesWhenVerifierTooShortOrIllegalThenFalse() {
        assertThat(Pkce.matches("short", Pkce.challengeOf("short"))).isFalse();
        String illegal = "a".repeat(42) + "+";
        assertThat(Pkce.matches(illegal, Pkce.challengeOf(illegal))).isFalse();
        assertThat(Pkce.isWellFormedVerifier("a".repeat(129))).isFalse();
    }
}
