package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.fixtures.TokenFixture;
import dev.echoid.identity.protocol.AuthorizationGrant.ClientCredentials;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.RequestedScope;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.StoreException;
import dev.echoid.identity.token.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client credentials grant: confidential clients only, no scopes, the grant and its audit row together. */
class ClientCredentialsGrantTest {

    private static final TokenRequester SOMEONE = TokenRequester.at("x");

    private static final Duration TTL = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final ClientCredentialsGrant handler = new ClientCredentialsGrant(stores.transactions,
            TokenFixture.responses(stores, clock, session -> Optional.empty()), stores.audit, TTL, clock);
    private final Client service = new Client("svc", "Service", "hash", List.of(), true,
            Set.of(Client.CLIENT_CREDENTIALS, Client.REFRESH_TOKEN), List.of(), null, "RS256", false);

    @Test
    void confidentialClientGetsAnAccessTokenAndNothingElse() {
        Map<String, Object> response = handler.handle(new ClientCredentials(RequestedScope.absent()), service,
                TokenRequester.at("203.0.113.1"));

        assertThat(response).containsOnlyKeys("access_token", "token_type", "expires_in")
                .containsEntry("token_type", "Bearer")
                .containsEntry("expires_in", TokenFixture.settings().accessTokenTtl().toSeconds());
        Grant grant = stores.grantRows.values().iterator().next();
        assertThat(grant.clientId()).isEqualTo("svc");
        assertThat(grant.userId()).isNull();
        assertThat(grant.scope()).isEmpty();
        assertThat(grant.createdAt()).isEqualTo(clock.instant());
        assertThat(grant.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        assertThat(stores.accessRows).containsValue(grant.id());
        assertThat(stores.refreshRows).as("RFC 6749 §4.4.3: no refresh token").isEmpty();
        assertThat(stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.CLIENT_CREDENTIALS_ISSUED);
            assertThat(event.clientId()).isEqualTo("svc");
            assertThat(event.remoteAddress()).isEqualTo("203.0.113.1");
        });
    }

    @Test
    void publicClientThenUnauthorizedClientAndNothingIssued() {
        Client publicClient = new Client("pub", "Public", null, List.of(), true, Set.of(Client.CLIENT_CREDENTIALS),
                List.of(), null, "RS256", false);
        assertThatThrownBy(() -> handler.handle(new ClientCredentials(RequestedScope.absent()), publicClient, SOMEONE))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.UNAUTHORIZED_CLIENT));
        assertThat(stores.grantRows).isEmpty();
        assertThat(stores.auditRows).isEmpty();
    }

    @Test
    void anyScopeThenInvalidScope() {
        assertThatThrownBy(() -> handler.handle(new ClientCredentials(RequestedScope.of(Scope.of("openid"))),
                service, SOMEONE)).isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_SCOPE));
        assertThat(stores.grantRows).isEmpty();
    }

    @Test
    void tokenRecordFailsThenTheGrantIsRolledBackToo() {
        stores.failNext(InMemoryStores.Write.ACCESS_TOKEN);
        assertThatThrownBy(() -> handler.handle(new ClientCredentials(RequestedScope.absent()), service, SOMEONE))
                .isInstanceOf(StoreException.class);
        assertThat(stores.grantRows).isEmpty();
        assertThat(stores.accessRows).isEmpty();
        assertThat(stores.auditRows).isEmpty();
    }

    @Test
    void grantTypeIsClientCredentials() {
        assertThat(handler.grantType()).isEqualTo("client_credentials");
        assertThat(handler.grantClass()).isEqualTo(ClientCredentials.class);
    }
}
