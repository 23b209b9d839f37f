package dev.echoid.identity.it;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.grant.ClientCredentialsGrant;
import dev.echoid.identity.grant.RefreshTokenGrant;
import dev.echoid.identity.grant.TokenRequester;
import dev.echoid.identity.grant.TokenResponseIssuer;
import dev.echoid.identity.protocol.AuthorizationGrant;
import dev.echoid.identity.protocol.AuthorizationGrant.ClientCredentials;
import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.protocol.TokenRequest;
import dev.echoid.identity.security.RandomTokens;
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
import dev.echoid.identity.token.JwtIssuer;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
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
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the token-grant ITs that watch the database share: a migrated database with one confidential client and one
 * user, and the client_credentials and refresh_token handlers wired to it through a {@link CountingDataSource}
 * (which counts, and on demand fails, what they send). The clients' store reads the counted source too, as the
 * client authentication before a grant does.
 */
final class TokenGrantFixture {

    static final TokenRequester REQUESTER = TokenRequester.at("203.0.113.7");

    final PGSimpleDataSource database;
    final Client client = new Client("svc", "Service", "hash", List.of(URI.create("https://svc.example/cb")), true,
            Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN, Client.CLIENT_CREDENTIALS), List.of(), null,
            "RS256", false);
    final User user = new User(UUID.randomUUID(), "grace", "hash", "Grace", "grace@example.com", true, true);
    final CountingDataSource counted;
    final JdbcAuditLog audit;
    final JdbcClients clients;
    final ClientCredentialsGrant clientCredentials;
    final RefreshTokenGrant refresh;
    private final JdbcTransactions transactions;
    private final JdbcGrants grants;
    private final TokenResponseIssuer responses;

    private TokenGrantFixture(PGSimpleDataSource database) throws Exception {
        this.database = database;
        new JdbcClients(database).createIfAbsent(client);
        new JdbcUsers(database).createIfAbsent(user);
        counted = new CountingDataSource(database);
        DataSource ds = counted.dataSource();
        audit = new JdbcAuditLog(ds, Optional.of(RandomTokens.bytes(32)), LogFormat.TEXT);
        audit.prepare();
        transactions = new JdbcTransactions(ds);
        grants = new JdbcGrants(ds);
        clients = new JdbcClients(ds);
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity")));
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        responses = new TokenResponseIssuer(new JwtIssuer(settings, keys, Clock.systemUTC()),
                new JdbcAccessTokens(ds), Duration.ofDays(1), Clock.systemUTC());
        clientCredentials = new ClientCredentialsGrant(transactions, responses, audit, Duration.ofMinutes(5),
                Clock.systemUTC());
        // as deployed: with the default retry window for a lost answer
        refresh = new RefreshTokenGrant(transactions, new JdbcRefreshTokens(ds), grants, responses, audit,
                Clock.systemUTC(), settings.refreshRetryWindow());
    }

    /** A fresh database of this name, migrated, with the client and the user. */
    static TokenGrantFixture on(String databaseName) throws Exception {
        return new TokenGrantFixture(FreshDatabase.migrated(databaseName));
    }

    /** The user's grant to the client, with its first tokens: the refresh token issued. */
    String refreshTokenOfANewGrant() {
        Instant now = Instant.now();
        Grant grant = new Grant(UUID.randomUUID(), client.clientId(), user.id(), null, "openid offline_access", now,
                now, now.plus(Duration.ofDays(1)), null);
        Map<String, Object> first = transactions.inTransaction(tx -> {
            grants.create(tx, grant);
            return responses.issue(tx, grant, client, user, Scope.parse("openid offline_access"), null, List.of());
        });
        return String.valueOf(first.get("refresh_token"));
    }

    Map<String, Object> clientCredentialsRequest() {
        return clientCredentials.handle(grant(ClientCredentials.class, "client_credentials", Map.of()), client,
                REQUESTER);
    }

    Map<String, Object> refreshRequest(String refreshToken) {
        return refreshRequest(refreshToken, client);
    }

    /** A refresh as {@code by} presents it, once that client authenticated. */
    Map<String, Object> refreshRequest(String refreshToken, Client by) {
        return refresh.handle(grant(RefreshToken.class, "refresh_token", Map.of("refresh_token", refreshToken)),
                by, REQUESTER);
    }

    /** The grant of a token request as the token endpoint parses it. */
    private static <G extends AuthorizationGrant> G grant(Class<G> type, String grantType, Map<String, String> more) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("grant_type", grantType);
        more.forEach(form::putSingle);
        return type.cast(TokenRequest.parse(form, null).grant());
    }

    /** The one number a query answers, read past the counting source. */
    long count(String query) throws Exception {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
