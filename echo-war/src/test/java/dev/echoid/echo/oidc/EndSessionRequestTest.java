package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EndSessionRequestTest {

    @Test
    void toUriWhenEndpointHasQueryThenKeptAndParametersEncoded() {
        EndSessionRequest request = new EndSessionRequest(URI.create("https://op.example/logout?tenant=a#frag"),
                "h.p.s", "echo gw", URI.create("https://gw.example/app/signed-out?x=1"), "st8");

        assertThat(request.toUri().toString()).isEqualTo("https://op.example/logout?tenant=a&id_token_hint=h.p.s"
                + "&client_id=echo%20gw&post_logout_redirect_uri=https%3A%2F%2Fgw.example%2Fapp%2Fsigned-out%3Fx%3D1"
                + "&state=st8");
    }

    @Test
    void parametersWhenNoIdTokenThenHintOmitted() {
        EndSessionRequest request = new EndSessionRequest(URI.create("https://op.example/logout"), null, "echo",
                URI.create("https://gw.example/signed-out"), "s");

        assertThat(request.parameters()).doesNotContainKey("id_token_hint").containsEntry("client_id", "echo");
        assertThat(request.toString()).doesNotContain("state");
    }
}
