package dev.echoid.identity.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Redirect URI matching: exact, except a native app's loopback IP redirect URI, whose port may vary (RFC 8252). */
class ClientRedirectUriTest {

    private static final List<URI> REGISTERED = List.of(URI.create("http://127.0.0.1/cb"),
            URI.create("http://[::1]:8000/cb?app=1"), URI.create("http://localhost/cb"),
            URI.create("https://app.example/cb"), URI.create("com.example.app:/oauth2redirect"));

    @Test
    void nativeClientLoopbackAnyPortAcceptedAndTheRequestedUriKept() {
        Client app = client(Client.NATIVE);
        assertThat(app.registeredRedirectUri("http://127.0.0.1:51234/cb"))
                .hasValue(URI.create("http://127.0.0.1:51234/cb"));
        assertThat(app.registeredRedirectUri("http://127.0.0.1/cb")).hasValue(URI.create("http://127.0.0.1/cb"));
        assertThat(app.registeredRedirectUri("http://127.0.0.1:1/cb")).isPresent();
        assertThat(app.registeredRedirectUri("http://127.0.0.1:65535/cb")).isPresent();
        assertThat(app.registeredRedirectUri("http://[::1]:40000/cb?app=1"))
                .hasValue(URI.create("http://[::1]:40000/cb?app=1"));
        assertThat(app.registeredRedirectUri("http://[::1]/cb?app=1")).isPresent();
    }

    @Test
    void nativeClientLoopbackWithAnythingButThePortChangedRefused() {
        Client app = client(Client.NATIVE);
        for (String requested : List.of("http://127.0.0.1:51234/cb/", "http://127.0.0.1:51234/CB",
                "http://127.0.0.1:51234/cb?x=1", "http://127.0.0.1:51234/cb#f", "http://127.0.0.1:51234/cb?",
                "https://127.0.0.1:51234/cb", "HTTP://127.0.0.1:51234/cb", "http://127.0.0.2:51234/cb",
                "http://127.0.0.1.evil.example:51234/cb", "http://evil.example/http://127.0.0.1/cb",
                "http://user@127.0.0.1:51234/cb", "http://127.0.0.1:051234/cb", "http://127.0.0.1:0/cb",
                "http://127.0.0.1:65536/cb", "http://127.0.0.1:99999/cb", "http://127.0.0.1:/cb",
                "http://127.0.0.1:51234/cb/../cb", "http://127.0.0.1:51234/%63b", "http://[::1]:40000/cb",
                "http://[0:0:0:0:0:0:0:1]:40000/cb?app=1", "http://[::2]:40000/cb?app=1",
                "http://localhost:51234/cb", "https://app.example:8443/cb", "com.example.app:/oauth2redirect/x",
                "http://127.0.0.1:5 1/cb", "http://127.0.0.1:51234/cb\u0000", "")) {
            assertThat(app.registeredRedirectUri(requested)).as(requested).isEmpty();
        }
    }

    @Test
    void webClientLoopbackOtherPortRefusedAndExactMatchKept() {
        Client web = client(Client.WEB);
        assertThat(web.registeredRedirectUri("http://127.0.0.1:51234/cb")).isEmpty();
        assertThat(web.registeredRedirectUri("http://[::1]:8001/cb?app=1")).isEmpty();
        for (URI registered : REGISTERED) {
            assertThat(web.registeredRedirectUri(registered.toString())).hasValue(registered);
            assertThat(client(Client.NATIVE).registeredRedirectUri(registered.toString())).hasValue(registered);
        }
    }

    @Test
    void introspectionWhenOwnOrServedClientThenAllowedElseNot() {
        Client api = new Client("api", "API", "hash", List.of(), true, Set.of(Client.CLIENT_CREDENTIALS), List.of(),
                null, "RS256", false, false, Client.WEB, List.of("shop"));
        assertThat(api.mayIntrospectTokensOf("api")).isTrue();
        assertThat(api.mayIntrospectTokensOf("shop")).isTrue();
        assertThat(api.mayIntrospectTokensOf("other")).isFalse();
        assertThat(client(Client.WEB).mayIntrospectTokensOf("shop")).isFalse();
        Client all = new Client("all", "All", "hash", List.of(), true, Set.of(Client.CLIENT_CREDENTIALS), List.of(),
                null, "RS256", false, false, Client.WEB, List.of(Client.ANY_CLIENT));
        assertThat(all.mayIntrospectTokensOf("anyone")).isTrue();
    }

    private static Client client(String applicationType) {
        return new Client("app", "App", null, REGISTERED, true, Set.of(Client.AUTHORIZATION_CODE), List.of(), null,
                "RS256", false, false, applicationType, List.of());
    }
}
