package dev.echoid.identity.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.MultivaluedHashMap;
import org.junit.jupiter.api.Test;

/** RP-initiated logout requests parsed: every parameter once, and the confirmation read apart. */
class EndSessionRequestTest {

    @Test
    void everyParameterOnce() {
        EndSessionRequest request = EndSessionRequest.parse(form("id_token_hint", "h", "client_id", "app",
                "post_logout_redirect_uri", "https://app.example/bye", "state", "s", "confirmation", "c"));
        assertThat(request.isMalformed()).isFalse();
        assertThat(request.idTokenHint()).contains("h");
        assertThat(request.clientId()).contains("app");
        assertThat(request.postLogoutRedirectUri()).contains("https://app.example/bye");
        assertThat(request.state()).contains("s");
        assertThat(request.confirmationSent()).isTrue();
        assertThat(request.confirmation()).isEqualTo("c");
        assertThat(request.toString()).doesNotContain("h,");
    }

    @Test
    void nothingSent() {
        EndSessionRequest request = EndSessionRequest.parse(form());
        assertThat(request.isMalformed()).isFalse();
        assertThat(request.idTokenHint()).isEmpty();
        assertThat(request.confirmationSent()).isFalse();
        assertThat(request.confirmation()).isEmpty();
    }

    @Test
    void repeatedOrControlCharacterParameterIsMalformedNamingIt() {
        assertThat(EndSessionRequest.parse(form("state", "a", "state", "b")).malformed())
                .isEqualTo("Parameter 'state' is included more than once.");
        EndSessionRequest control = EndSessionRequest.parse(form("client_id", "a\u0000"));
        assertThat(control.isMalformed()).isTrue();
        assertThat(control.malformed()).isEqualTo("Parameter 'client_id' contains a control character.");
        assertThat(control.clientId()).isEmpty();
    }

    @Test
    void repeatedConfirmationIsNoConfirmationButWasSent() {
        EndSessionRequest request = EndSessionRequest.parse(form("confirmation", "a", "confirmation", "a"));
        assertThat(request.isMalformed()).isFalse();
        assertThat(request.confirmationSent()).isTrue();
        assertThat(request.confirmation()).isEmpty();
    }

    private static MultivaluedHashMap<String, String> form(String... nameValues) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            form.add(nameValues[i], nameValues[i + 1]);
        }
        return form;
    }
}
