package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.grant.ClientCredentialsGrant;
import dev.echoid.identity.grant.RefreshTokenGrant;
import dev.echoid.identity.grant.TokenResponseIssuer;
import dev.echoid.identity.protocol.AuthorizationGrant;
import dev.echoid.identity.protocol.AuthorizationGrant.ClientCredentials;
import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.TokenRequest;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.JdbcAccessTokens;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcGrants;
import dev.echoid.identity.store.JdbcRefreshTokens;
import dev.echoid.identity.store.JdbcTransactions;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.InMemorySigningKeyStore;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.JwtIssuer;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What one token request costs the database, counted with a DataSource that records every statement and every other
 * round trip the driver makes (the isolation level asked or set, the commit): the grant's reads and writes and its
 * audit row in one transaction (no lock on the chain head), the chain linked afterwards.
 */
@ExtendWith(PostgresExtension.class)
class TokenRequestStatementsIT {

    private final byte[] auditKey = dev.echoid.identity.security.RandomTokens.bytes(32);

    @Test
    void clientCredentialsAndRefreshEachCommitTheirAuditRowInTheirOneTransaction() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("token_statements");
        Client client = new Client("svc", "Service", "hash", List.of(URI.create("https://svc.example/cb")), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN, Client.CLIENT_CREDENTIALS), List.of(), null,
                "RS256", false);
        new JdbcClients(database).createIfAbsent(client);
        User user = new User(UUID.randomUUID(), "grace", "hash", "Grace", "grace@example.com", true, true);
        new JdbcUsers(database).createIfAbsent(user);

        CountingDataSource counted = new CountingDataSource(database);
        var ds = counted.dataSource();
        JdbcAuditLog audit = new JdbcAuditLog(ds, Optional.of(auditKey), LogFormat.TEXT);
        audit.prepare();
        JdbcTransactions transactions = new JdbcTransactions(ds);
        JdbcGrants grants = new JdbcGrants(ds);
        JdbcRefreshTokens refreshTokens = new JdbcRefreshTokens(ds);
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity")));
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        TokenResponseIssuer responses = new TokenResponseIssuer(new JwtIssuer(settings, keys, Clock.systemUTC()),
                new JdbcAccessTokens(ds), Duration.ofDays(1),
                Clock.systemUTC());
        JdbcClients clients = new JdbcClients(ds);

        // client_credentials: the client read (authentication), then the grant's one transaction
        ClientCredentialsGrant clientCredentials = new ClientCredentialsGrant(transactions, responses, audit,
                Duration.ofMinutes(5), Clock.systemUTC());
        counted.reset();
        clients.find("svc").orElseThrow();
        assertThat(clientCredentials.handle(grant(ClientCredentials.class, "client_credentials", Map.of()), client,
                "203.0.113.7"))
                .containsKey("access_token");
        List<String> credentialsStatements = List.copyOf(counted.statements);
        System.out.println("client_credentials statements (" + credentialsStatements.size() + "): "
                + credentialsStatements);
        assertThat(credentialsStatements).as("the audit row is inserted in the grant's transaction, without a lock")
                .noneMatch(sql -> sql.contains("FOR UPDATE") || sql.contains("audit_chain_head SET"));
        assertThat(credentialsStatements).filteredOn(sql -> sql.startsWith("INSERT INTO audit_event")).hasSize(1);
        assertThat(credentialsStatements).as("the client, then the grant with its access token in one statement, "
                + "and its audit row").hasSize(3);
        assertThat(credentialsStatements.get(1)).startsWith("WITH g AS (INSERT INTO authorization_grant");
        List<String> credentialsRoundTrips = List.copyOf(counted.roundTrips);
        assertThat(credentialsRoundTrips).as("no isolation level asked or set: the connection's is READ COMMITTED")
                .containsExactly(credentialsStatements.get(0), credentialsStatements.get(1),
                        credentialsStatements.get(2), "(COMMIT)");

        // refresh: a grant with a refresh token first, then one refresh
        Instant now = Instant.now();
        Grant grant = new Grant(UUID.randomUUID(), "svc", user.id(), null, "openid offline_access", now, now,
                now.plus(Duration.ofDays(1)), null);
        Map<String, Object> first = transactions.inTransaction(tx -> {
            grants.create(tx, grant);
            return responses.issue(tx, grant, client, user, Scope.parse("openid offline_access"), null, List.of());
        });
        RefreshTokenGrant refresh = new RefreshTokenGrant(transactions, refreshTokens, grants,
                responses, audit, Clock.systemUTC());
        counted.reset();
        clients.find("svc").orElseThrow();
        assertThat(refresh.handle(grant(RefreshToken.class, "refresh_token", Map.of("refresh_token",
                String.valueOf(first.get("refresh_token")))), client, "203.0.113.7"))
                .containsKeys("access_token", "refresh_token");
        List<String> refreshStatements = List.copyOf(counted.statements);
        System.out.println("refresh_token statements (" + refreshStatements.size() + "): " + refreshStatements);
        assertThat(refreshStatements).noneMatch(sql -> sql.contains("FOR UPDATE") || sql.contains(
                "audit_chain_head SET"));
        assertThat(refreshStatements).filteredOn(sql -> sql.startsWith("INSERT INTO audit_event")).hasSize(1);
        assertThat(refreshStatements).as("the client, the token with its grant, user and session in one read, then "
                + "the rotation, the access token with the new refresh token in one statement, and the audit row")
                .hasSize(5);
        assertThat(refreshStatements.get(1)).contains("JOIN authorization_grant").contains("LEFT JOIN app_user")
                .contains("LEFT JOIN sso_session");
        assertThat(refreshStatements.get(3)).startsWith("WITH r AS (INSERT INTO refresh_token");
        assertThat(counted.roundTrips).as("the statements and one commit").hasSize(6).endsWith("(COMMIT)")
                .noneMatch(trip -> trip.contains("ISOLATION") || trip.contains("SESSION CHARACTERISTICS"));

        // the chain, afterwards: one run links both rows in one transaction
        counted.reset();
        assertThat(audit.chainer().chainPending()).isEqualTo(2);
        System.out.println("one chainer run (" + counted.statements.size() + " statements): " + counted.statements);
        assertThat(counted.roundTrips).as("the lock, the head, the rows, their links, the head moved; one commit")
                .hasSize(6).endsWith("(COMMIT)");
        Verification verified = audit.verify();
        assertThat(verified.intact()).as(verified.problem()).isTrue();
        assertThat(verified.rowsChecked()).isEqualTo(2);
    }

    /** The grant of a token request as the token endpoint parses it. */
    private static <G extends AuthorizationGrant> G grant(Class<G> type, String grantType, Map<String, String> more) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("grant_type", grantType);
        more.forEach(form::putSingle);
        return type.cast(TokenRequest.parse(form, null).grant());
    }
}
