package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.fixtures.TokenFixture;
import dev.echoid.identity.protocol.AuthorizationGrant.RefreshToken;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.RequestedScope;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.RefreshTokens.StoredRefreshToken;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The refresh grant's rules (RFC 6749 §6, RFC 9700 §4.14.2): rotation, reuse detection that revokes the grant, and
 * every refusal, each recorded. RefreshTokenGrantTest covers the order of work on failures.
 */
class RefreshTokenRulesTest {

    private static final String TOKEN = "the-refresh-token";
    private static final String REMOTE = "203.0.113.5";
    private static final TokenRequester REQUESTER = TokenRequester.at(REMOTE);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final User user = stores.addUser("ada", true);
    private final Client client = Client.codeFlow("app", "App", "hash", List.of(URI.create("https://a.example/cb")));
    private final Client other = Client.codeFlow("other", "Other", "hash", List.of(URI.create("https://o.example")));
    private final UUID session = UUID.randomUUID();
    private final Grant grant = new Grant(UUID.randomUUID(), "app", user.id(), session, "openid profile",
            clock.instant().minusSeconds(60), clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofDays(30)),
            null, "login-7");
    private final RefreshTokenGrant handler = new RefreshTokenGrant(stores.transactions, stores.refreshTokens,
            stores.grants,
            TokenFixture.responses(stores, clock, id -> id.equals(session) ? Optional.of("pwd otp") : Optional.empty()),
            stores.audit, clock);

    RefreshTokenRulesTest() {
        stores.grants.create(grant);
        stores.refreshRows.put(hash(TOKEN), new StoredRefreshToken(hash(TOKEN), grant.id(),
                clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofHours(1)), null));
    }

    @Test
    void refreshRotatesTheTokenAndIssuesASuccessorForTheSameGrant() {
        clock.advance(Duration.ofMinutes(1));
        Map<String, Object> response = handler.handle(refresh(TOKEN, RequestedScope.absent()), client, REQUESTER);

        assertThat(response).containsKeys("access_token", "refresh_token", "id_token")
                .containsEntry("scope", "openid profile");
        assertThat(stores.refreshRows.get(hash(TOKEN)).rotatedAt()).isEqualTo(clock.instant());
        StoredRefreshToken successor = stores.refreshRows.get(hash((String) response.get("refresh_token")));
        assertThat(successor.grantId()).isEqualTo(grant.id());
        assertThat(successor.rotatedAt()).isNull();
        assertThat(successor.expiresAt()).isEqualTo(clock.instant().plus(TokenFixture.REFRESH_IDLE_TTL));
        assertThat(stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.TOKEN_REFRESHED);
            assertThat(event.userId()).isEqualTo(user.id());
            assertThat(event.username()).isEqualTo("ada");
            assertThat(event.detail()).isEqualTo("grant " + grant.id());
            assertThat(event.loginId()).isEqualTo("login-7");
            assertThat(event.remoteAddress()).isEqualTo(REMOTE);
        });

        // the successor works in turn
        assertThat(handler.handle(refresh((String) response.get("refresh_token"), RequestedScope.absent()), client,
                REQUESTER)).containsKey("access_token");
    }

    @Test
    void refreshRequestsNameTheSignInOfTheirGrantAndAnUnknownTokenNone() {
        List<String> refreshing = new ArrayList<>();
        handler.handle(refresh(TOKEN, RequestedScope.absent()), client, new TokenRequester(REMOTE, refreshing::add));
        List<String> reusing = new ArrayList<>();
        assertInvalid(() -> handler.handle(refresh(TOKEN, RequestedScope.absent()), client,
                new TokenRequester(REMOTE, reusing::add)));
        List<String> guessing = new ArrayList<>();
        assertInvalid(() -> handler.handle(refresh("unknown", RequestedScope.absent()), client,
                new TokenRequester(REMOTE, guessing::add)));

        assertThat(refreshing).containsExactly("login-7");
        assertThat(reusing).containsExactly("login-7");
        assertThat(guessing).isEmpty();
    }

    @Test
    void successorNeverOutlivesTheGrant() {
        Grant shortGrant = new Grant(UUID.randomUUID(), "app", user.id(), null, "openid", clock.instant(),
                clock.instant(), clock.instant().plus(Duration.ofHours(2)), null, "login-8");
        stores.grants.create(shortGrant);
        stores.refreshRows.put(hash("short"), new StoredRefreshToken(hash("short"), shortGrant.id(),
                clock.instant(), clock.instant().plus(Duration.ofHours(1)), null));
        Map<String, Object> response = handler.handle(refresh("short", RequestedScope.absent()), client, REQUESTER);
        assertThat(stores.refreshRows.get(hash((String) response.get("refresh_token"))).expiresAt())
                .isEqualTo(shortGrant.expiresAt());
    }

    @Test
    void narrowerScopeIsGrantedAndWiderRefusedWithoutSpendingTheToken() {
        assertThat(handler.handle(refresh(TOKEN, RequestedScope.of(Scope.of("profile"))), client, REQUESTER))
                .containsEntry("scope", "profile").doesNotContainKey("id_token");

        stores.refreshRows.put(hash("second"), new StoredRefreshToken(hash("second"), grant.id(), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), null));
        assertThatThrownBy(() -> handler.handle(refresh("second", RequestedScope.of(Scope.of("openid", "email"))),
                client, REQUESTER)).isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_SCOPE));
        assertThat(stores.refreshRows.get(hash("second")).rotatedAt()).isNull();
    }

    @Test
    void rotatedTokenPresentedAgainIsReuseThenTheGrantIsRevoked() {
        handler.handle(refresh(TOKEN, RequestedScope.absent()), client, REQUESTER);

        assertInvalid(() -> handler.handle(refresh(TOKEN, RequestedScope.absent()), client, REQUESTER));

        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNotNull();
        assertThat(stores.revocations).containsEntry(grant.id(), "refresh token reused");
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.TOKEN_REFRESHED,
                AuditEvent.Type.REFRESH_TOKEN_REUSED);
        AuditEvent reused = stores.auditRows.get(1);
        assertThat(reused.userId()).isEqualTo(user.id());
        assertThat(reused.detail()).isEqualTo("grant " + grant.id() + " revoked");
        assertThat(reused.loginId()).isEqualTo("login-7");
        assertThat(reused.remoteAddress()).isEqualTo(REMOTE);
    }

    @Test
    void tokenRotatedMeanwhileByAConcurrentRequestIsReuse() {
        stores.refreshTokens.markUsed(null, hash(TOKEN)); // committed by the other request after this one's read
        StoredRefreshToken unrotated = new StoredRefreshToken(hash(TOKEN), grant.id(), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), null);
        RefreshTokenGrant racing = new RefreshTokenGrant(stores.transactions, new dev.echoid.identity.store
                .RefreshTokens() {
            @Override
            public void save(dev.echoid.identity.store.Transaction tx, String tokenHash, UUID grantId,
                    Instant issuedAt, Instant expiresAt) {
                stores.refreshTokens.save(tx, tokenHash, grantId, issuedAt, expiresAt);
            }

            @Override
            public Optional<StoredRefreshToken> markUsed(dev.echoid.identity.store.Transaction tx,
                    String tokenHash) {
                return stores.refreshTokens.markUsed(tx, tokenHash);
            }

            @Override
            public Optional<StoredRefreshToken> find(String tokenHash) {
                return Optional.of(unrotated); // read before the other request's rotation
            }

            @Override
            public Optional<ForRefresh> findForRefresh(String tokenHash) {
                // read before the other request's rotation
                return stores.refreshTokens.findForRefresh(tokenHash)
                        .map(found -> new ForRefresh(unrotated, found.grant(), found.user(), found.sessionAmr()));
            }
        }, stores.grants, TokenFixture.responses(stores, clock, id -> Optional.empty()), stores.audit,
                clock);

        assertInvalid(() -> racing.handle(refresh(TOKEN, RequestedScope.absent()), client, REQUESTER));
        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNotNull();
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.REFRESH_TOKEN_REUSED);
        assertThat(stores.accessRows).isEmpty();
    }

    @Test
    void unknownTokenThenInvalidGrantAndNothingRecorded() {
        assertInvalid(() -> handler.handle(refresh("unknown", RequestedScope.absent()), client, REQUESTER));
        assertThat(stores.auditRows).isEmpty();
        assertThat(stores.revocations).isEmpty();
    }

    @Test
    void tokenOfAnotherClientThenRefusedAndLeftAlone() {
        assertRefused(other, "refresh token of another client");
        assertThat(stores.refreshRows.get(hash(TOKEN)).rotatedAt()).isNull();
        assertThat(stores.revocations).isEmpty();
    }

    @Test
    void expiredTokenThenRefused() {
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertRefused(client, "refresh token expired");
    }

    @Test
    void tokenAtItsLastInstantStillWorks() {
        clock.advance(Duration.ofHours(1));
        assertThat(handler.handle(refresh(TOKEN, RequestedScope.absent()), client, REQUESTER))
                .containsKey("access_token");
    }

    @Test
    void expiredGrantThenRefused() {
        clock.advance(Duration.ofDays(31));
        stores.refreshRows.put(hash(TOKEN), new StoredRefreshToken(hash(TOKEN), grant.id(), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), null));
        assertRefused(client, "refresh token expired");
    }

    @Test
    void revokedGrantThenRefused() {
        stores.grants.revoke(grant.id(), "signed out");
        assertRefused(client, "grant revoked");
    }

    @Test
    void disabledUserThenGrantRevokedAndRefused() {
        stores.users.setEnabled(user.id(), false);
        assertInvalid(() -> handler.handle(refresh(TOKEN, RequestedScope.absent()), client, REQUESTER));
        assertThat(stores.revocations).containsEntry(grant.id(), "user gone or disabled");
        assertThat(stores.refreshRows.get(hash(TOKEN)).rotatedAt()).isNull();
    }

    @Test
    void grantTypeIsRefreshToken() {
        assertThat(handler.grantType()).isEqualTo("refresh_token");
        assertThat(handler.grantClass()).isEqualTo(RefreshToken.class);
    }

    private void assertRefused(Client as, String why) {
        assertInvalid(() -> handler.handle(refresh(TOKEN, RequestedScope.absent()), as, REQUESTER));
        assertThat(stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.TOKEN_REQUEST_FAILED);
            assertThat(event.clientId()).isEqualTo(as.clientId());
            assertThat(event.userId()).isEqualTo(user.id());
            assertThat(event.detail()).isEqualTo(why);
            assertThat(event.loginId()).isEqualTo("login-7");
            assertThat(event.remoteAddress()).isEqualTo(REMOTE);
        });
        assertThat(stores.accessRows).isEmpty();
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo(OAuthError.INVALID_GRANT);
            assertThat(e.description()).isEqualTo("The refresh token is invalid, expired or revoked");
        });
    }

    private static RefreshToken refresh(String token, RequestedScope scope) {
        return new RefreshToken(token, scope);
    }

    private static String hash(String token) {
        return Sha256.base64Url(token);
    }
}
