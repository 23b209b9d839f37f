package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.protocol.AuthorizationGrant;
import dev.echoid.identity.protocol.AuthorizationGrant.ClientCredentials;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.TokenRequest;
import dev.echoid.identity.store.Client;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The order in which a token request's grant is checked once its client is authenticated: a grant_type at all,
 * a supported one, one the client may use, then the grant's own parameters, then the handler.
 */
class GrantHandlersTest {

    private static final TokenRequester SOMEONE = TokenRequester.at("x");

    private final List<ClientCredentials> handled = new ArrayList<>();
    private final GrantHandlers handlers = new GrantHandlers(List.of(new GrantHandler<ClientCredentials>() {
        @Override
        public String grantType() {
            return Client.CLIENT_CREDENTIALS;
        }

        @Override
        public Class<ClientCredentials> grantClass() {
            return ClientCredentials.class;
        }

        @Override
        public Map<String, Object> handle(ClientCredentials grant, Client client, TokenRequester requester) {
            handled.add(grant);
            return Map.of("access_token", "t-" + client.clientId() + "-" + requester.remoteAddress());
        }
    }));
    private final Client allowed = client(Set.of(Client.CLIENT_CREDENTIALS));
    private final Client notAllowed = client(Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN));

    @Test
    void supportedGrantOfAnAllowedClientGoesToItsHandler() {
        assertThat(handlers.handle(grant("grant_type", "client_credentials"), allowed, TokenRequester.at("10.0.0.1")))
                .containsEntry("access_token", "t-svc-10.0.0.1");
        assertThat(handled).hasSize(1);
    }

    @Test
    void missingOrRepeatedGrantTypeThenInvalidRequestBeforeAnythingElse() {
        assertError(grant(), notAllowed, OAuthError.INVALID_REQUEST, "Missing required parameter 'grant_type'");
        MultivaluedHashMap<String, String> twice = new MultivaluedHashMap<>();
        twice.add("grant_type", "client_credentials");
        twice.add("grant_type", "client_credentials");
        assertError(TokenRequest.parse(twice, null).grant(), allowed, OAuthError.INVALID_REQUEST,
                "Parameter 'grant_type' is included more than once");
    }

    @Test
    void unknownGrantTypeThenUnsupportedEvenForAClientThatMayNotUseIt() {
        assertError(grant("grant_type", "password"), notAllowed, OAuthError.UNSUPPORTED_GRANT_TYPE,
                "The grant type is not supported by this server");
        // known to the parser, without a handler here
        assertError(grant("grant_type", "refresh_token"), notAllowed, OAuthError.UNSUPPORTED_GRANT_TYPE,
                "The grant type is not supported by this server");
    }

    @Test
    void grantTypeTheClientMayNotUseThenUnauthorizedClientBeforeItsParameters() {
        assertError(grant("grant_type", "client_credentials", "scope", "a", "scope", "b"), notAllowed,
                OAuthError.UNAUTHORIZED_CLIENT, "The client may not use this grant type");
    }

    @Test
    void malformedGrantOfAnAllowedClientThenItsErrorAndNoHandler() {
        Client codeClient = client(Set.of(Client.AUTHORIZATION_CODE));
        GrantHandlers code = new GrantHandlers(List.of(new GrantHandler<AuthorizationGrant.AuthorizationCode>() {
            @Override
            public String grantType() {
                return Client.AUTHORIZATION_CODE;
            }

            @Override
            public Class<AuthorizationGrant.AuthorizationCode> grantClass() {
                return AuthorizationGrant.AuthorizationCode.class;
            }

            @Override
            public Map<String, Object> handle(AuthorizationGrant.AuthorizationCode grant, Client client,
                    TokenRequester requester) {
                throw new AssertionError("a malformed grant reaches no handler");
            }
        }));
        assertThatThrownBy(() -> code.handle(grant("grant_type", "authorization_code", "code", "c"), codeClient,
                SOMEONE)).isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.error()).isEqualTo(OAuthError.INVALID_REQUEST);
                    assertThat(e.description()).isEqualTo("Missing required parameter 'redirect_uri'");
                });
    }

    @Test
    void supportedNamesTheRegisteredGrantTypes() {
        assertThat(handlers.supported()).containsExactly(Client.CLIENT_CREDENTIALS);
        assertThat(handlers.forType(Client.CLIENT_CREDENTIALS).grantType()).isEqualTo(Client.CLIENT_CREDENTIALS);
    }

    private void assertError(AuthorizationGrant grant, Client client, OAuthError error, String description) {
        assertThatThrownBy(() -> handlers.handle(grant, client, SOMEONE)).isInstanceOfSatisfying(OAuthException.class,
                e -> {
                    assertThat(e.error()).isEqualTo(error);
                    assertThat(e.description()).isEqualTo(description);
                });
        assertThat(handled).isEmpty();
    }

    private static AuthorizationGrant grant(String... nameValues) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            form.add(nameValues[i], nameValues[i + 1]);
        }
        return TokenRequest.parse(form, null).grant();
    }

    private static Client client(Set<String> grantTypes) {
        return new Client("svc", "Service", "hash", List.of(), true, grantTypes, List.of(), null, "RS256", false);
    }
}
