package dev.echoid.identity.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void valueWhenControlCharacterThenInvalidRequestNamingTheParameter() {
        for (String value : new String[] {"ec\u0000ho", "a\nb", "a\rb", "\tx", "x\u001b", "x\u007f", "x\u0085"}) {
            assertThatThrownBy(() -> Parameters.of(params("client_id", value)).optional("client_id"))
                    .isInstanceOfSatisfying(OAuthException.class, e -> {
                        assertThat(e.error()).isEqualTo(OAuthError.INVALID_REQUEST);
                        assertThat(e.description()).contains("'client_id'").contains("control character");
                    });
        }
    }

    @Test
    void anyValueWhenControlCharacterThenRefusedBeforeAnythingIsRead() {
        MultivaluedMap<String, String> values = params("grant_type", "authorization_code");
        values.add("code", "a\nb");
        assertThatThrownBy(() -> Parameters.of(values).withoutControlCharacters())
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_REQUEST));
        assertThat(Parameters.of(params("code", "abc")).withoutControlCharacters().required("code")).isEqualTo("abc");
    }

    @Test
    void valueWhenPrintableOrBeyondAsciiThenTaken() {
        assertThat(Parameters.of(params("state", "a b~\u00e9\u2028\ud83d\ude00")).optional("state"))
                .contains("a b~\u00e9\u2028\ud83d\ude00");
        assertThat(Parameters.hasControlCharacter("\u00a0\ufffd")).isFalse();
    }

    @Test
    void valueWhenRepeatedThenInvalidRequest() {
        MultivaluedMap<String, String> values = params("scope", "openid");
        values.add("scope", "openid");
        assertThatThrownBy(() -> Parameters.of(values).required("scope")).isInstanceOf(OAuthException.class)
                .hasMessageContaining("more than once");
    }

    private static MultivaluedMap<String, String> params(String name, String value) {
        MultivaluedMap<String, String> values = new MultivaluedHashMap<>();
        values.add(name, value);
        return values;
    }
}
