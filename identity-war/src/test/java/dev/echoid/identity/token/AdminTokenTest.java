package dev.echoid.identity.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminTokenTest {

    private static final String TOKEN = "s3cr3t-admin-token-for-tests-only-0123456789";

    @Test
    void acceptsHeaderWhenBearerWithTheTokenThenTrueInAnySchemeCase() {
        AdminToken token = new AdminToken(Optional.of(TOKEN));
        assertThat(token.configured()).isTrue();
        assertThat(token.acceptsHeader("Bearer " + TOKEN)).isTrue();
        assertThat(token.acceptsHeader("bearer " + TOKEN)).isTrue();
    }

    @Test
    void acceptsHeaderWhenMissingWrongPrefixOrOtherSchemeThenFalse() {
        AdminToken token = new AdminToken(Optional.of(TOKEN));
        assertThat(token.acceptsHeader(null)).isFalse();
        assertThat(token.acceptsHeader("")).isFalse();
        assertThat(token.acceptsHeader("Bearer ")).isFalse();
        assertThat(token.acceptsHeader("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(token.acceptsHeader("Bearer " + TOKEN + "x")).isFalse();
        assertThat(token.acceptsHeader("Basic " + TOKEN)).isFalse();
        assertThat(token.acceptsHeader(TOKEN)).isFalse();
    }

    @Test
    void configuredWhenNoTokenThenFalseAndNothingAccepted() {
        AdminToken token = new AdminToken(Optional.empty());
        assertThat(token.configured()).isFalse();
        assertThat(token.acceptsHeader("Bearer ")).isFalse();
        assertThat(token.acceptsHeader("Bearer anything")).isFalse();
    }
}
