package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.TokenRequest;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.AccessTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.store.StoreException;
import dev.echoid.identity.store.Transaction;
import dev.echoid.identity.store.Transactions;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import dev.echoid.identity.token.InMemorySigningKeyStore;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.JwtIssuer;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The refresh grant's order of work, with in-memory stores whose writes a simulated transaction undoes on failure:
 * nothing is spent by a refused request or a failed issue step. (TokenAttacksIT proves the same on PostgreSQL.)
 */
class RefreshTokenGrantTest {

    private static final String TOKEN = "the-refresh-token";

    private final Instant now = Instant.now();
    private final User user = new User(UUID.randomUUID(), "ada", "hash", "Ada", "ada@example.com", true, true);
    private final Client client = Client.codeFlow("echo", "Echo", "hash", List.of(URI.create("https://e.example/cb")));
    private final Grant grant = new Grant(UUID.randomUUID(), "echo", user.id(), null, "openid profile", now, now,
            now.plus(Duration.ofDays(1)), null);

    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Map<String, RefreshTokens.StoredRefreshToken> refreshRows = new HashMap<>();
    private final List<String> accessRows = new ArrayList<>();
    private final List<String> revokedGrants = new ArrayList<>();
    private final List<AuditEvent.Type> audit = new ArrayList<>();
    private boolean failNextAccessToken;

    private final Transactions transactions = new Transactions() {
        @Override
        public <T> T inTransaction(Function<Transaction, T> work) {
            undo.clear();
            try {
                T result = work.apply(null);
                undo.clear();
                return result;
            } catch (RuntimeException e) {
                while (!undo.isEmpty()) {
                    undo.pop().run(); // roll back
                }
                throw e;
            }
        }
    };

    private final RefreshTokens refreshTokens = new RefreshTokens() {
        @Override
        public void save(Transaction tx, String tokenHash, UUID grantId, Instant issuedAt, Instant expiresAt) {
            refreshRows.put(tokenHash, new StoredRefreshToken(tokenHash, grantId, issuedAt, expiresAt, null));
            undo.push(() -> refreshRows.remove(tokenHash));
        }

        @Override
        public Optional<StoredRefreshToken> markUsed(Transaction tx, String tokenHash) {
            StoredRefreshToken row = refreshRows.get(tokenHash);
            if (row == null || row.rotatedAt() != null) {
                return Optional.empty();
            }
            refreshRows.put(tokenHash, new StoredRefreshToken(tokenHash, row.grantId(), row.issuedAt(),
                    row.expiresAt(), Instant.now()));
            undo.push(() -> refreshRows.put(tokenHash, row));
            return Optional.of(row);
        }

        @Override
        public Optional<StoredRefreshToken> find(String tokenHash) {
            return Optional.ofNullable(refreshRows.get(tokenHash));
        }

        @Override
        public Optional<ForRefresh> findForRefresh(String tokenHash) {
            return find(tokenHash).flatMap(token -> grants.find(token.grantId())
                    .map(found -> new ForRefresh(token, found, users.find(found.userId()), Optional.empty())));
        }
    };

    private final AccessTokens accessTokens = new AccessTokens() {
        @Override
        public void record(String jti, UUID grantId, String clientId, Instant issuedAt, Instant expiresAt) {
            throw new AssertionError("tokens are recorded in the transaction");
        }

        @Override
        public void record(Transaction tx, String jti, UUID grantId, String clientId, Instant issuedAt,
                Instant expiresAt) {
            if (failNextAccessToken) {
                failNextAccessToken = false;
                throw new StoreException(new SQLException("connection reset (simulated)"));
            }
            accessRows.add(jti);
            undo.push(() -> accessRows.remove(jti));
        }

        @Override
        public void record(Transaction tx, String jti, Grant tokenGrant, boolean newGrant, String clientId,
                Instant issuedAt, Instant expiresAt, IssuedRefreshToken refresh) {
            if (newGrant) {
                throw new AssertionError("no grant is created by a refresh");
            }
            record(tx, jti, tokenGrant.id(), clientId, issuedAt, expiresAt);
            if (refresh != null) {
                refreshTokens.save(tx, refresh.tokenHash(), tokenGrant.id(), refresh.issuedAt(), refresh.expiresAt());
            }
        }

        @Override
        public boolean isActive(String jti) {
            return accessRows.contains(jti);
        }

        @Override
        public boolean revoke(String jti, String clientId) {
            return accessRows.remove(jti);
        }
    };

    private final Grants grants = new Grants() {
        @Override
        public void create(Grant created) {
            throw new AssertionError("no grant is created by a refresh");
        }

        @Override
        public void create(Transaction tx, Grant created) {
            throw new AssertionError("no grant is created by a refresh");
        }

        @Override
        public Optional<Grant> find(UUID id) {
            return grant.id().equals(id) && !revokedGrants.contains(id.toString()) ? Optional.of(grant)
                    : Optional.empty();
        }

        @Override
        public Optional<Grant> findByAccessToken(String jti) {
            return Optional.empty();
        }

        @Override
        public void revoke(UUID id, String reason) {
            revokedGrants.add(id.toString());
        }

        @Override
        public int revokeBySession(UUID ssoSessionId, String keepScope, String reason) {
            return 0;
        }
    };

    private final Users users = new Users() {
        @Override
        public Optional<User> findByUsername(String username) {
            return Optional.empty();
        }

        @Override
        public Optional<User> find(UUID id) {
            return user.id().equals(id) ? Optional.of(user) : Optional.empty();
        }

        @Override
        public boolean createIfAbsent(User created) {
            return false;
        }

        @Override
        public void updatePasswordHash(UUID id, String passwordHash) {
        }

        @Override
        public List<User> list() {
            return List.of(user);
        }

        @Override
        public boolean setEnabled(UUID id, boolean enabled) {
            return false;
        }

        @Override
        public boolean delete(UUID id) {
            return false;
        }
    };

    private final AuditLog auditLog = new AuditLog() {
        @Override
        public void record(AuditEvent event) {
            audit.add(event.type());
        }

        @Override
        public List<AuditEvent> recent(int limit) {
            return List.of();
        }
    };

    private final RefreshTokenGrant handler;

    RefreshTokenGrantTest() {
        IdentitySettings settings = IdentitySettings.from(SettingsSource.of(Map.of(
                "IDENTITY_ISSUER", "https://id.example/identity")));
        SigningKeys keys = new SigningKeys(new InMemorySigningKeyStore(), Optional.empty()).initialize();
        TokenResponseIssuer responses = new TokenResponseIssuer(new JwtIssuer(settings, keys, Clock.systemUTC()),
                accessTokens, Duration.ofDays(1), Clock.systemUTC());
        handler = new RefreshTokenGrant(transactions, refreshTokens, grants, responses, auditLog,
                Clock.systemUTC());
        refreshRows.put(Sha256.base64Url(TOKEN), new RefreshTokens.StoredRefreshToken(
                Sha256.base64Url(TOKEN), grant.id(), now, now.plus(Duration.ofHours(1)), null));
    }

    @Test
    void refreshWithInvalidScopeThenTokenNotSpentAndRetryIsNoReuse() {
        assertThatThrownBy(() -> handle(Map.of("scope", "openid profile email")))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_SCOPE));
        assertThat(refreshRows.get(Sha256.base64Url(TOKEN)).rotatedAt()).isNull();

        Map<String, Object> retry = handle(Map.of());
        assertThat(retry).containsKeys("access_token", "refresh_token");
        assertThat(revokedGrants).isEmpty();
        assertThat(audit).containsExactly(AuditEvent.Type.TOKEN_REFRESHED);
    }

    @Test
    void refreshWhoseIssueStepFailsThenRolledBackAndRetryWorks() {
        failNextAccessToken = true;
        assertThatThrownBy(() -> handle(Map.of())).isInstanceOf(StoreException.class);
        // the rotation went with the failed transaction; nothing new exists
        assertThat(refreshRows).hasSize(1);
        assertThat(refreshRows.get(Sha256.base64Url(TOKEN)).rotatedAt()).isNull();
        assertThat(accessRows).isEmpty();

        Map<String, Object> retry = handle(Map.of());
        assertThat(accessRows).hasSize(1);
        assertThat(refreshRows).hasSize(2).containsKey(Sha256.base64Url((String) retry.get("refresh_token")));
        assertThat(revokedGrants).isEmpty();
    }

    @Test
    void refreshWhenTokenAlreadyRotatedThenGrantRevokedWhateverTheScope() {
        handle(Map.of());
        assertThatThrownBy(() -> handle(Map.of("scope", "openid profile email")))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_GRANT));
        assertThat(revokedGrants).containsExactly(grant.id().toString());
        assertThat(audit).containsExactly(AuditEvent.Type.TOKEN_REFRESHED, AuditEvent.Type.REFRESH_TOKEN_REUSED);
    }

    private Map<String, Object> handle(Map<String, String> more) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("grant_type", "refresh_token");
        form.putSingle("refresh_token", TOKEN);
        more.forEach(form::putSingle);
        return handler.handle((RefreshToken) TokenRequest.parse(form, null).grant(), client,
                TokenRequester.at("203.0.113.7"));
    }
}
