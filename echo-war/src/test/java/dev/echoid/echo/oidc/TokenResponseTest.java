package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void parseWhenCodeResponseWithRefreshTokenThenKept() {
        TokenResponse response = TokenResponse.parse(JSON.valueToTree(Map.of("id_token", "a.b.c", "access_token", "at",
                "token_type", "Bearer", "expires_in", 300, "refresh_token", "rt")));

        assertThat(response.refreshToken()).isEqualTo("rt");
        assertThat(SessionTokens.issued(response).canRefresh()).isTrue();
        assertThat(response.toString()).doesNotContain("rt]").contains("refreshToken=****");
    }

    @Test
    void parseWhenCodeResponseWithoutRefreshTokenThenNotRenewable() {
        TokenResponse response = TokenResponse.parse(JSON.valueToTree(Map.of("id_token", "a.b.c", "access_token", "at",
                "token_type", "Bearer")));

        assertThat(response.refreshToken()).isNull();
        assertThat(SessionTokens.issued(response).canRefresh()).isFalse();
    }

    @Test
    void parseWhenCodeResponseLacksIdTokenThenRefused() {
        assertThatThrownBy(() -> TokenResponse.parse(JSON.valueToTree(Map.of("access_token", "at",
                "token_type", "Bearer")))).isInstanceOf(ProviderException.class).hasMessageContaining("id_token");
    }

    @Test
    void parseRefreshWhenNoIdTokenThenAccepted() {
        TokenResponse response = TokenResponse.parseRefresh(JSON.valueToTree(Map.of("access_token", "at",
                "token_type", "Bearer", "refresh_token", "rt2")));

        assertThat(response.idToken()).isNull();
        assertThat(response.refreshToken()).isEqualTo("rt2");
    }
}
