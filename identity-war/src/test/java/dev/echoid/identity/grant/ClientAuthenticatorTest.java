package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.protocol.ClientAuthentication;
import dev.echoid.identity.protocol.ClientAuthentication.ClientSecretBasic;
import dev.echoid.identity.protocol.ClientAuthentication.ClientSecretPost;
import dev.echoid.identity.protocol.ClientAuthentication.None;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Client authentication of a parsed request: every way to fail is invalid_client, recorded with why. */
class ClientAuthenticatorTest {

    private static final String REMOTE = "203.0.113.9";
    private static final String SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret";
    private static final PasswordHasher LEGACY = new PasswordHasher(1024, 1, 1,
            new HashingBudget(2, 0, Duration.ZERO));

    private final InMemoryStores stores = new InMemoryStores(Clock.systemUTC());
    private final ClientSecretHasher hasher = new ClientSecretHasher(RandomTokens.bytes(32), LEGACY);
    private final ClientAuthenticator authenticator = new ClientAuthenticator(stores.clients, hasher, stores.audit);
    private final Client confidential = client("app", hasher.hash(SECRET), true);
    private final Client publicClient = client("native", null, true);

    ClientAuthenticatorTest() {
        stores.clients.createIfAbsent(confidential);
        stores.clients.createIfAbsent(publicClient);
        stores.clients.createIfAbsent(client("off", hasher.hash(SECRET), false));
    }

    @Test
    void rightSecretByEitherMethodAuthenticates() {
        assertThat(authenticator.authenticate(Optional.of(new ClientSecretBasic("app", SECRET)), REMOTE))
                .isEqualTo(confidential);
        assertThat(authenticator.authenticate(Optional.of(new ClientSecretPost("app", SECRET)), REMOTE))
                .isEqualTo(confidential);
        assertThat(stores.auditRows).isEmpty();
    }

    @Test
    void publicClientWithoutSecretAuthenticates() {
        assertThat(authenticator.authenticate(Optional.of(new None("native")), REMOTE)).isEqualTo(publicClient);
    }

    @Test
    void noClientThenInvalidClientRecorded() {
        assertRefused(Optional.empty(), null, "no client credentials");
    }

    @Test
    void unknownOrDisabledClientThenInvalidClientRecorded() {
        assertRefused(Optional.of(new ClientSecretPost("nobody", SECRET)), "nobody", "unknown or disabled client");
        assertRefused(Optional.of(new ClientSecretBasic("off", SECRET)), "off", "unknown or disabled client");
    }

    @Test
    void publicClientSendingASecretThenRefused() {
        assertRefused(Optional.of(new ClientSecretPost("native", "x")), "native", "public client sent a secret");
    }

    @Test
    void confidentialClientWithoutSecretThenRefused() {
        assertRefused(Optional.of(new None("app")), "app", "no secret");
    }

    @Test
    void wrongSecretThenRefused() {
        assertRefused(Optional.of(new ClientSecretBasic("app", SECRET + "x")), "app", "wrong secret");
    }

    @Test
    void legacyArgon2SecretIsAcceptedOnceThenRewrittenAsHmac() {
        stores.clients.createIfAbsent(client("old", LEGACY.hash(SECRET), true));

        assertThat(authenticator.authenticate(Optional.of(new ClientSecretPost("old", SECRET)), REMOTE).clientId())
                .isEqualTo("old");

        assertThat(stores.clients.find("old").orElseThrow().secretHash()).isEqualTo(hasher.hash(SECRET));
        assertThat(stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.CLIENT_SECRET_REHASHED);
            assertThat(event.clientId()).isEqualTo("old");
            assertThat(event.remoteAddress()).isEqualTo(REMOTE);
        });
        assertThat(hasher.verify(SECRET, stores.clients.find("old").orElseThrow().secretHash()))
                .isEqualTo(ClientSecretHasher.Verification.MATCH);
    }

    @Test
    void legacySecretRewrittenMeanwhileByAnotherNodeThenAcceptedWithoutAudit() {
        Client old = client("old", LEGACY.hash(SECRET), true);
        stores.clients.createIfAbsent(old);
        ClientAuthenticator racing = new ClientAuthenticator(new dev.echoid.identity.store.Clients() {
            @Override
            public Optional<Client> find(String clientId) {
                return Optional.of(old);
            }

            @Override
            public boolean createIfAbsent(Client client) {
                return false;
            }

            @Override
            public boolean update(Client client) {
                return false;
            }

            @Override
            public boolean replaceSecretHash(String clientId, String expected, String replacement) {
                return false; // another node replaced it first
            }

            @Override
            public List<Client> list() {
                return List.of(old);
            }

            @Override
            public boolean delete(String clientId) {
                return false;
            }
        }, hasher, stores.audit);
        assertThat(racing.authenticate(Optional.of(new ClientSecretPost("old", SECRET)), REMOTE)).isEqualTo(old);
        assertThat(stores.auditRows).isEmpty();
    }

    @Test
    void legacySecretWhoseRewriteFailsStillAuthenticates() {
        Client old = client("old", LEGACY.hash(SECRET), true);
        ClientAuthenticator failing = new ClientAuthenticator(new dev.echoid.identity.store.Clients() {
            @Override
            public Optional<Client> find(String clientId) {
                return Optional.of(old);
            }

            @Override
            public boolean createIfAbsent(Client client) {
                return false;
            }

            @Override
            public boolean update(Client client) {
                return false;
            }

            @Override
            public boolean replaceSecretHash(String clientId, String expected, String replacement) {
                throw new IllegalStateException("database gone");
            }

            @Override
            public List<Client> list() {
                return List.of(old);
            }

            @Override
            public boolean delete(String clientId) {
                return false;
            }
        }, hasher, stores.audit);
        assertThat(failing.authenticate(Optional.of(new ClientSecretPost("old", SECRET)), REMOTE)).isEqualTo(old);
        assertThat(stores.auditRows).isEmpty();
    }

    private void assertRefused(Optional<ClientAuthentication> credentials, String clientId, String why) {
        int before = stores.auditRows.size();
        assertThatThrownBy(() -> authenticator.authenticate(credentials, REMOTE))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.error()).isEqualTo(OAuthError.INVALID_CLIENT);
                    assertThat(e.description()).isEqualTo("Client authentication failed");
                });
        assertThat(stores.auditRows).hasSize(before + 1);
        AuditEvent event = stores.auditRows.get(before);
        assertThat(event.type()).isEqualTo(AuditEvent.Type.CLIENT_AUTHENTICATION_FAILED);
        assertThat(event.clientId()).isEqualTo(clientId);
        assertThat(event.detail()).isEqualTo(why);
        assertThat(event.remoteAddress()).isEqualTo(REMOTE);
    }

    private static Client client(String id, String secretHash, boolean enabled) {
        return new Client(id, id, secretHash, List.of(URI.create("https://app.example/cb")), enabled,
                Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", false);
    }
}
