package dev.echoid.identity.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AuthorizationResponseTest {

    private static final URI ISSUER = URI.create("https://id.example/identity");

    @Test
    void successWhenRedirectHasQueryThenQueryKeptAndIssAdded() {
        URI uri = AuthorizationResponse.success(URI.create("https://app.example/cb?tenant=1"), "c0de", "a b&c",
                ISSUER);
        assertThat(uri.toString()).isEqualTo(
                "https://app.example/cb?tenant=1&code=c0de&state=a+b%26c&iss=https%3A%2F%2Fid.example%2Fidentity");
    }

    @Test
    void errorWhenNoStateThenNoStateParameter() {
        URI uri = AuthorizationResponse.error(URI.create("https://app.example/cb"),
                new OAuthException(OAuthError.LOGIN_REQUIRED, "not signed in"), null, ISSUER);
        assertThat(uri.toString()).isEqualTo("https://app.example/cb?error=login_required"
                + "&error_description=not+signed+in&iss=https%3A%2F%2Fid.example%2Fidentity");
    }
}
