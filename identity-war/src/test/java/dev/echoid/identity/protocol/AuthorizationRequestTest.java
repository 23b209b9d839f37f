package dev.echoid.identity.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.protocol.AuthorizationRequest.TrustedRedirect;
import dev.echoid.identity.protocol.AuthorizationRequest.UntrustedRequestException;
import dev.echoid.identity.store.Client;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AuthorizationRequestTest {

    private static final Client CONFIDENTIAL = Client.codeFlow("echo", "Echo", "$argon2id$...",
            List.of(URI.create("https://echo.example/callback")));
    private static final Client PUBLIC = Client.codeFlow("spa", "SPA", null,
            List.of(URI.create("https://spa.example/cb?tenant=1")));
    private static final Map<String, Client> CLIENTS = Map.of("echo", CONFIDENTIAL, "spa", PUBLIC);
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @Test
    void parseWhenValidThenAllValuesKept() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("nonce", "n-1");
        params.putSingle("code_challenge", CHALLENGE);
        params.putSingle("code_challenge_method", "S256");
        AuthorizationRequest request = parse(params);
        assertThat(request.clientId()).isEqualTo("echo");
        assertThat(request.redirectUri()).isEqualTo(URI.create("https://echo.example/callback"));
        assertThat(request.scope().values()).containsExactly("openid", "profile");
        assertThat(request.state()).isEqualTo("s-1");
        assertThat(request.nonce()).isEqualTo("n-1");
        assertThat(request.codeChallenge()).isEqualTo(CHALLENGE);
    }

    @Test
    void trustedRedirectWhenClientIdMissingThenUntrusted() {
        MultivaluedMap<String, String> params = valid();
        params.remove("client_id");
        assertUntrusted(params, "no client_id");
    }

    @Test
    void trustedRedirectWhenClientUnknownThenUntrusted() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("client_id", "nobody");
        assertUntrusted(params, "not known");
    }

    @Test
    void trustedRedirectWhenRedirectUriNotExactlyRegisteredThenUntrusted() {
        for (String uri : List.of("https://echo.example/callback/", "https://echo.example/callback?x=1",
                "https://ECHO.example/callback", "https://evil.example/callback", "https://echo.example/callback#f")) {
            MultivaluedMap<String, String> params = valid();
            params.putSingle("redirect_uri", uri);
            assertUntrusted(params, "not registered");
        }
    }

    @Test
    void trustedRedirectWhenClientIdDuplicatedThenUntrusted() {
        MultivaluedMap<String, String> params = valid();
        params.add("client_id", "echo");
        assertUntrusted(params, "'client_id' is included more than once");
    }

    @Test
    void parseWhenResponseTypeTokenThenUnsupportedResponseType() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("response_type", "token");
        assertError(() -> parse(params), OAuthError.UNSUPPORTED_RESPONSE_TYPE);
    }

    @Test
    void parseWhenResponseTypeMissingThenInvalidRequestNamingIt() {
        MultivaluedMap<String, String> params = valid();
        params.remove("response_type");
        assertThatThrownBy(() -> parse(params)).isInstanceOf(OAuthException.class)
                .hasMessageContaining("'response_type'");
    }

    @Test
    void parseWhenScopeLacksOpenidThenInvalidScope() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("scope", "profile");
        assertError(() -> parse(params), OAuthError.INVALID_SCOPE);
    }

    @Test
    void parseWhenScopeUnknownThenInvalidScope() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("scope", "openid admin");
        assertError(() -> parse(params), OAuthError.INVALID_SCOPE);
    }

    @Test
    void parseWhenStateDuplicatedThenInvalidRequest() {
        MultivaluedMap<String, String> params = valid();
        params.add("state", "again");
        assertError(() -> parse(params), OAuthError.INVALID_REQUEST);
    }

    @Test
    void parseWhenPkcePlainThenInvalidRequest() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("code_challenge", CHALLENGE);
        params.putSingle("code_challenge_method", "plain");
        assertError(() -> parse(params), OAuthError.INVALID_REQUEST);
    }

    @Test
    void parseWhenPkceMethodMissingThenInvalidRequest() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("code_challenge", CHALLENGE);
        assertError(() -> parse(params), OAuthError.INVALID_REQUEST);
    }

    @Test
    void parseWhenPublicClientWithoutPkceThenInvalidRequest() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("client_id", "spa");
        params.putSingle("redirect_uri", "https://spa.example/cb?tenant=1");
        assertThatThrownBy(() -> parse(params)).isInstanceOf(OAuthException.class)
                .hasMessageContaining("code_challenge is required for public clients");
    }

    @Test
    void parseWhenRequestObjectThenRequestNotSupported() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("request", "eyJ...");
        assertError(() -> parse(params), OAuthError.REQUEST_NOT_SUPPORTED);
    }

    @Test
    void parseWhenPromptNoneCombinedThenInvalidRequest() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("prompt", "none login");
        assertError(() -> parse(params), OAuthError.INVALID_REQUEST);
    }

    @Test
    void parseWhenMaxAgeNotANumberThenInvalidRequest() {
        MultivaluedMap<String, String> params = valid();
        params.putSingle("max_age", "soon");
        assertError(() -> parse(params), OAuthError.INVALID_REQUEST);
    }

    private static MultivaluedMap<String, String> valid() {
        MultivaluedMap<String, String> params = new MultivaluedHashMap<>();
        params.putSingle("client_id", "echo");
        params.putSingle("redirect_uri", "https://echo.example/callback");
        params.putSingle("response_type", "code");
        params.putSingle("scope", "openid profile");
        params.putSingle("state", "s-1");
        return params;
    }

    private static AuthorizationRequest parse(MultivaluedMap<String, String> values) {
        Parameters params = Parameters.of(values);
        TrustedRedirect trusted = AuthorizationRequest.trustedRedirect(params,
                id -> Optional.ofNullable(CLIENTS.get(id)));
        return AuthorizationRequest.parse(params, trusted);
    }

    private static void assertUntrusted(MultivaluedMap<String, String> params, String message) {
        assertThatThrownBy(() -> AuthorizationRequest.trustedRedirect(Parameters.of(params),
                id -> Optional.ofNullable(CLIENTS.get(id))))
                .isInstanceOf(UntrustedRequestException.class)
                .hasMessageContaining(message);
    }

    private static void assertError(ThrowingCallable call, OAuthError error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }
}
