package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * A token grant and its audit row commit together (issue 10, item 5): with the database failing on the audit
 * write, no token is issued that the trail does not record, and a refresh token is not spent, so the client's
 * retry is not taken for reuse.
 */
@ExtendWith(PostgresExtension.class)
class GrantAuditAtomicityIT {

    private final byte[] auditKey = dev.echoid.identity.security.RandomTokens.bytes(32);

    @Test
    void whenTheAuditWriteFailsNoTokenIsIssuedUnrecordedAndTheRefreshRetryWorks() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("grant_audit_atomic");
        Client client = new Client("svc", "Service", "hash", List.of(URI.create("https://svc.example/cb")), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN, Client.CLIENT_CREDENTIALS), List.of(), null,
                "RS256", false);
        new JdbcClients(database).createIfAbsent(client);
        User user = new User(UUID.randomUUID(), "grace", "hash", "Grace", "grace@example.com", true, true);
        new JdbcUsers(database).createIfAbsent(user);

        CountingDataSource faulty = new CountingDataSource(database);
        var ds = faulty.dataSource();
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

        // client_credentials while the audit trail cannot be written: refused, and nothing issued
        ClientCredentialsGrant clientCredentials = new ClientCredentialsGrant(transactions, responses, audit,
                Duration.ofMinutes(5), Clock.systemUTC());
        faulty.failWhen = sql -> sql.contains("audit_");
        assertThatThrownBy(() -> clientCredentials.handle(grant(ClientCredentials.class, "client_credentials",
                Map.of()), client, "203.0.113.7"))
                .hasStackTraceContaining("connection was lost");
        faulty.failWhen = sql -> false;
        assertThat(count(database, "SELECT count(*) FROM authorization_grant")).as("no grant committed").isZero();
        assertThat(count(database, "SELECT count(*) FROM access_token")).as("no access token issued").isZero();

        // a refresh while the audit trail cannot be written: refused, the token not spent, the retry succeeds
        Instant now = Instant.now();
        Grant grant = new Grant(UUID.randomUUID(), "svc", user.id(), null, "openid offline_access", now, now,
                now.plus(Duration.ofDays(1)), null);
        Map<String, Object> first = transactions.inTransaction(tx -> {
            grants.create(tx, grant);
            return responses.issue(tx, grant, client, user, Scope.parse("openid offline_access"), null, List.of());
        });
        String refreshToken = String.valueOf(first.get("refresh_token"));
        RefreshTokenGrant refresh = new RefreshTokenGrant(transactions, refreshTokens, grants,
                responses, audit, Clock.systemUTC());
        faulty.failWhen = sql -> sql.contains("audit_");
        assertThatThrownBy(() -> refresh.handle(grant(RefreshToken.class, "refresh_token",
                Map.of("refresh_token", refreshToken)), client, "203.0.113.7"))
                .hasStackTraceContaining("connection was lost");
        faulty.failWhen = sql -> false;
        assertThat(count(database, "SELECT count(*) FROM refresh_token WHERE rotated_at IS NOT NULL"))
                .as("the refresh token is not spent").isZero();
        assertThat(count(database, "SELECT count(*) FROM access_token")).as("only the first access token").isOne();

        assertThat(refresh.handle(grant(RefreshToken.class, "refresh_token",
                Map.of("refresh_token", refreshToken)), client, "203.0.113.7"))
                .as("the client's retry is no reuse").containsKeys("access_token", "refresh_token");
        assertThat(count(database, "SELECT count(*) FROM authorization_grant WHERE revoked_at IS NOT NULL"))
                .isZero();
        assertThat(count(database, "SELECT count(*) FROM audit_event WHERE event_type = 'TOKEN_REFRESHED'"))
                .isOne();
        assertThat(count(database, "SELECT count(*) FROM audit_event WHERE event_type = 'REFRESH_TOKEN_REUSED'"))
                .isZero();
        assertThat(audit.verify().intact()).isTrue();
    }

    /** The grant of a token request as the token endpoint parses it. */
    private static <G extends AuthorizationGrant> G grant(Class<G> type, String grantType, Map<String, String> more) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("grant_type", grantType);
        more.forEach(form::putSingle);
        return type.cast(TokenRequest.parse(form, null).grant());
    }

    private static long count(PGSimpleDataSource database, String query) throws Exception {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
