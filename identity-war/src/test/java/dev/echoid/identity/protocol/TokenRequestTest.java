package dev.echoid.identity.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.protocol.AuthorizationGrant.AuthorizationCode;
import dev.echoid.identity.protocol.AuthorizationGrant.ClientCredentials;
import dev.echoid.identity.protocol.AuthorizationGrant.Malformed;
import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.AuthorizationGrant.Unsupported;
import dev.echoid.identity.protocol.ClientAuthentication.ClientSecretBasic;
import dev.echoid.identity.protocol.ClientAuthentication.ClientSecretPost;
import dev.echoid.identity.protocol.ClientAuthentication.None;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Token, revocation and introspection requests parsed from the form and the Authorization header alone. */
class TokenRequestTest {

    @Test
    void codeGrantWithEveryParameter() {
        TokenRequest request = TokenRequest.parse(form("grant_type", "authorization_code", "code", "c-1",
                "redirect_uri", "https://app.example/cb", "code_verifier", "v-1", "client_id", "app"), null);
        assertThat(request.grant()).isEqualTo(new AuthorizationCode("c-1", "https://app.example/cb", "v-1"));
        assertThat(request.grant().grantType()).isEqualTo("authorization_code");
        assertThat(request.grant().toString()).doesNotContain("c-1");
        assertThat(request.clientAuthentication()).contains(new None("app"));
    }

    @Test
    void codeGrantWithoutVerifierHasNone() {
        AuthorizationCode grant = (AuthorizationCode) grant("grant_type", "authorization_code", "code", "c",
                "redirect_uri", "r");
        assertThat(grant.codeVerifier()).isNull();
    }

    @Test
    void codeGrantNamesTheFirstMissingOrRepeatedParameter() {
        assertMalformed(grant("grant_type", "authorization_code", "redirect_uri", "r"), "authorization_code",
                "Missing required parameter 'code'");
        assertMalformed(grant("grant_type", "authorization_code", "code", "c"), "authorization_code",
                "Missing required parameter 'redirect_uri'");
        assertMalformed(grant("grant_type", "authorization_code", "code", "c", "redirect_uri", "r",
                "code_verifier", "a", "code_verifier", "b"), "authorization_code",
                "Parameter 'code_verifier' is included more than once");
    }

    @Test
    void refreshGrantWithAndWithoutScope() {
        RefreshToken plain = (RefreshToken) grant("grant_type", "refresh_token", "refresh_token", "rt");
        assertThat(plain.refreshToken()).isEqualTo("rt");
        assertThat(plain.grantType()).isEqualTo("refresh_token");
        assertThat(plain.scope().isPresent()).isFalse();
        assertThat(plain.scope().orElse(Scope.of("openid"))).isEqualTo(Scope.of("openid"));
        assertThat(plain.toString()).doesNotContain("rt)").contains("(no scope)");

        RefreshToken narrowed = (RefreshToken) grant("grant_type", "refresh_token", "refresh_token", "rt", "scope",
                "openid  profile");
        assertThat(narrowed.scope().isPresent()).isTrue();
        assertThat(narrowed.scope().orElse(Scope.of("email"))).isEqualTo(Scope.of("openid", "profile"));
        assertThat(narrowed.scope().toString()).isEqualTo("openid profile");

        assertMalformed(grant("grant_type", "refresh_token"), "refresh_token",
                "Missing required parameter 'refresh_token'");
    }

    @Test
    void malformedOrRepeatedScopeKeepsItsErrorForTheHandler() {
        RefreshToken malformed = (RefreshToken) grant("grant_type", "refresh_token", "refresh_token", "rt",
                "scope", "open\"id");
        assertThat(malformed.scope().isPresent()).as("a malformed scope is still a scope").isTrue();
        assertError(() -> malformed.scope().orElse(Scope.of()), OAuthError.INVALID_SCOPE, "Malformed scope");
        assertThat(malformed.scope().toString()).isEqualTo("(Malformed scope)");

        RefreshToken repeated = (RefreshToken) grant("grant_type", "refresh_token", "refresh_token", "rt",
                "scope", "openid", "scope", "profile");
        assertError(() -> repeated.scope().isPresent(), OAuthError.INVALID_REQUEST,
                "Parameter 'scope' is included more than once");
        assertError(() -> repeated.scope().orElse(Scope.of()), OAuthError.INVALID_REQUEST,
                "Parameter 'scope' is included more than once");
    }

    @Test
    void blankScopeIsNoScope() {
        ClientCredentials grant = (ClientCredentials) grant("grant_type", "client_credentials", "scope", "");
        assertThat(grant.scope().isPresent()).isFalse();
        assertThat(grant.grantType()).isEqualTo("client_credentials");
    }

    @Test
    void unknownGrantTypeIsUnsupportedAndMissingOneIsMalformedWithoutType() {
        assertThat(grant("grant_type", "password")).isEqualTo(new Unsupported("password"));
        assertMalformed(grant("code", "c"), null, "Missing required parameter 'grant_type'");
    }

    @Test
    void basicCredentialsAreFormDecoded() {
        TokenRequest request = TokenRequest.parse(form("grant_type", "client_credentials"),
                basic("my%20app:p%3Ass+word"));
        assertThat(request.clientAuthentication()).contains(new ClientSecretBasic("my app", "p:ss word"));
        assertThat(request.clientAuthentication().get().secret()).contains("p:ss word");
        assertThat(request.clientAuthentication().get().toString()).doesNotContain("ss word");
    }

    @Test
    void basicSchemeIsCaseInsensitiveAndOtherSchemesAreIgnored() {
        assertThat(TokenRequest.parse(form(), "bAsIc " + b64("a:b")).clientAuthentication())
                .contains(new ClientSecretBasic("a", "b"));
        assertThat(TokenRequest.parse(form(), "Bearer abc").clientAuthentication()).isEmpty();
        assertThat(TokenRequest.parse(form(), "Basic").clientAuthentication()).isEmpty();
    }

    @Test
    void basicWithTheSameFormClientIdIsBasic() {
        assertThat(TokenRequest.parse(form("client_id", "a"), basic("a:b")).clientAuthentication())
                .contains(new ClientSecretBasic("a", "b"));
    }

    @Test
    void formSecretIsClientSecretPost() {
        Optional<ClientAuthentication> parsed = TokenRequest.parse(form("client_id", "a", "client_secret", "s"),
                null).clientAuthentication();
        assertThat(parsed).contains(new ClientSecretPost("a", "s"));
        assertThat(parsed.get().secret()).contains("s");
        assertThat(parsed.get().toString()).isEqualTo("client_secret_post(a)");
        assertThat(new None("a").secret()).isEmpty();
    }

    @Test
    void secretWithoutClientIdNamesNoClient() {
        assertThat(TokenRequest.parse(form("client_secret", "s"), null).clientAuthentication()).isEmpty();
        assertThat(TokenRequest.parse(form(), null).clientAuthentication()).isEmpty();
    }

    @Test
    void malformedBasicHeaderIsInvalidClient() {
        assertError(() -> TokenRequest.parse(form(), "Basic !!!"), OAuthError.INVALID_CLIENT,
                "Malformed Basic credentials");
        assertError(() -> TokenRequest.parse(form(), basic("no-colon")), OAuthError.INVALID_CLIENT,
                "Malformed Basic credentials");
        assertError(() -> TokenRequest.parse(form(), basic("a:%zz")), OAuthError.INVALID_CLIENT,
                "Malformed Basic credentials");
    }

    @Test
    void controlCharacterInBasicCredentialsIsInvalidRequest() {
        assertError(() -> TokenRequest.parse(form(), basic("a%00:b")), OAuthError.INVALID_REQUEST,
                "The Basic credentials contain a control character");
        assertError(() -> TokenRequest.parse(form(), basic("a:b%0A")), OAuthError.INVALID_REQUEST,
                "The Basic credentials contain a control character");
    }

    @Test
    void twoMethodsOrAnotherClientIdIsInvalidRequest() {
        assertError(() -> TokenRequest.parse(form("client_secret", "s"), basic("a:b")), OAuthError.INVALID_REQUEST,
                "More than one client authentication method was used");
        assertError(() -> TokenRequest.parse(form("client_id", "other"), basic("a:b")), OAuthError.INVALID_REQUEST,
                "client_id does not match the authenticated client");
    }

    @Test
    void repeatedClientParameterIsInvalidRequestAtOnce() {
        assertError(() -> TokenRequest.parse(form("client_id", "a", "client_id", "a"), null),
                OAuthError.INVALID_REQUEST, "Parameter 'client_id' is included more than once");
        assertError(() -> TokenRequest.parse(form("client_id", "a", "client_secret", "s", "client_secret", "s"),
                null), OAuthError.INVALID_REQUEST, "Parameter 'client_secret' is included more than once");
    }

    @Test
    void controlCharacterAnywhereIsRefusedBeforeTheClientIsRead() {
        assertError(() -> TokenRequest.parse(form("grant_type", "x", "state", "a\u0007b"), "Basic !!!"),
                OAuthError.INVALID_REQUEST, "A parameter contains a control character");
    }

    @Test
    void revocationRequestWithHintAndWithout() {
        RevocationRequest hinted = RevocationRequest.parse(form("token", "t", "token_type_hint", "access_token",
                "client_id", "app"), null);
        assertThat(hinted.token()).isEqualTo("t");
        assertThat(hinted.hintsAccessToken()).isTrue();
        assertThat(hinted.clientAuthentication()).contains(new None("app"));
        assertThat(hinted.toString()).doesNotContain("t,");

        RevocationRequest plain = RevocationRequest.parse(form("token", "t"), basic("a:b"));
        assertThat(plain.hintsAccessToken()).isFalse();
        assertThat(plain.tokenTypeHint()).isEqualTo("refresh_token");
        assertThat(plain.clientAuthentication()).contains(new ClientSecretBasic("a", "b"));
    }

    @Test
    void revocationRequestWithoutTokenFailsWhenTheTokenIsRead() {
        RevocationRequest missing = RevocationRequest.parse(form("client_id", "app"), null);
        assertThat(missing.clientAuthentication()).contains(new None("app"));
        assertError(missing::token, OAuthError.INVALID_REQUEST, "Missing required parameter 'token'");
        assertError(missing::hintsAccessToken, OAuthError.INVALID_REQUEST, "Missing required parameter 'token'");
        RevocationRequest repeatedHint = RevocationRequest.parse(form("token", "t", "token_type_hint", "a",
                "token_type_hint", "b"), null);
        assertError(repeatedHint::token, OAuthError.INVALID_REQUEST,
                "Parameter 'token_type_hint' is included more than once");
        assertError(() -> RevocationRequest.parse(form("token", "t\u0000"), null), OAuthError.INVALID_REQUEST,
                "A parameter contains a control character");
    }

    @Test
    void introspectionRequest() {
        IntrospectionRequest request = IntrospectionRequest.parse(form("token", "t"), basic("rs:pa55word"));
        assertThat(request.token()).isEqualTo("t");
        assertThat(request.clientAuthentication()).contains(new ClientSecretBasic("rs", "pa55word"));
        assertThat(request.toString()).doesNotContain("pa55word");

        IntrospectionRequest missing = IntrospectionRequest.parse(form(), basic("rs:secret"));
        assertThat(missing.clientAuthentication()).isPresent();
        assertError(missing::token, OAuthError.INVALID_REQUEST, "Missing required parameter 'token'");
        assertError(() -> IntrospectionRequest.parse(form("token", "t\u0000"), null), OAuthError.INVALID_REQUEST,
                "A parameter contains a control character");
    }

    private static void assertMalformed(AuthorizationGrant grant, String grantType, String description) {
        assertThat(grant).isInstanceOfSatisfying(Malformed.class, malformed -> {
            assertThat(malformed.grantType()).isEqualTo(grantType);
            assertThat(malformed.error().error()).isEqualTo(OAuthError.INVALID_REQUEST);
            assertThat(malformed.error().description()).isEqualTo(description);
        });
    }

    private static void assertError(ThrowingCallable call, OAuthError error, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.description()).isEqualTo(description);
        });
    }

    private static AuthorizationGrant grant(String... nameValues) {
        return TokenRequest.parse(form(nameValues), null).grant();
    }

    private static MultivaluedMap<String, String> form(String... nameValues) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            form.add(nameValues[i], nameValues[i + 1]);
        }
        return form;
    }

    private static String basic(String credentials) {
        return "Basic " + b64(credentials);
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
