package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthorizationRequestTest {

    private static final PendingAuthorization PENDING = new PendingAuthorization("st/ate+1", "nonce 1",
            new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "/", Instant.EPOCH);

    @Test
    void toUriWhenEndpointPlainThenAllParametersEncoded() {
        URI uri = new AuthorizationRequest(URI.create("https://op.example/authorize"), "echo gateway",
                URI.create("http://localhost:5000/callback"), "openid profile", PENDING).toUri();

        assertThat(uri.toString()).isEqualTo("https://op.example/authorize?response_type=code"
                + "&client_id=echo%20gateway"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2Fcallback"
                + "&scope=openid%20profile"
                + "&state=st%2Fate%2B1"
                + "&nonce=nonce%201"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256");
    }

    @Test
    void toUriWhenEndpointHasQueryThenQueryKept() {
        URI uri = new AuthorizationRequest(URI.create("https://op.example/authorize?tenant=a%20b"), "echo",
                URI.create("http://localhost:5000/callback"), "openid", PENDING).toUri();

        assertThat(uri.toString()).startsWith("https://op.example/authorize?tenant=a%20b&response_type=code&");
        assertThat(uri.getRawQuery()).contains("code_challenge_method=S256");
    }
}
