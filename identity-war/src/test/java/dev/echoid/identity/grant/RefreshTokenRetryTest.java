package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The retry of a refresh whose answer was lost (the node died after its commit): the rotated token presented again
 * by its client, within the retry window, while its successor was never used, gets a new pair and the unused
 * successor is revoked; anything else is reuse and revokes the grant (RFC 9700 §4.14.2).
 */
class RefreshTokenRetryTest {

    private static final String TOKEN = "the-refresh-token";
    private static final TokenRequester REQUESTER = TokenRequester.at("203.0.113.5");
    private static final Duration WINDOW = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final User user = stores.addUser("ada", true);
    private final Client client = Client.codeFlow("app", "App", "hash", List.of(URI.create("https://a.example/cb")));
    private final Client other = Client.codeFlow("other", "Other", "hash", List.of(URI.create("https://o.example")));
    private final Grant grant = new Grant(UUID.randomUUID(), "app", user.id(), null, "openid profile",
            clock.instant().minusSeconds(60), clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofDays(30)),
            null, "login-7");
    private final RefreshTokenGrant handler = handler(WINDOW);

    RefreshTokenRetryTest() {
        stores.grants.create(grant);
        stores.refreshRows.put(hash(TOKEN), new StoredRefreshToken(hash(TOKEN), grant.id(),
                clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofHours(1)), null));
    }

    @Test
    void lostAnswerRetriedWithinTheWindowGetsANewPairAndTheDroppedSuccessorStopsWorking() {
        Map<String, Object> dropped = refresh(TOKEN); // committed, but the answer never reached the client
        clock.advance(Duration.ofSeconds(29));

        Map<String, Object> retried = refresh(TOKEN);

        assertThat(retried).containsKeys("access_token", "refresh_token", "id_token");
        assertThat(retried.get("refresh_token")).isNotEqualTo(dropped.get("refresh_token"));
        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNull();
        // the dropped successor is spent and its access token revoked: one live refresh token, one access token
        assertThat(stores.refreshRows.get(hash((String) dropped.get("refresh_token"))).rotatedAt()).isNotNull();
        assertThat(stores.accessRows).containsOnlyKeys(jti(retried));
        assertThat(liveRefreshTokens()).containsExactly(hash((String) retried.get("refresh_token")));
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.TOKEN_REFRESHED,
                AuditEvent.Type.TOKEN_REFRESH_RETRIED);
        AuditEvent retry = stores.auditRows.get(1);
        assertThat(retry.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
        assertThat(retry.userId()).isEqualTo(user.id());
        assertThat(retry.detail()).isEqualTo("grant " + grant.id() + ", unused successor revoked");
        assertThat(retry.loginId()).isEqualTo("login-7");

        // the new successor works as any refresh token
        assertThat(refresh((String) retried.get("refresh_token"))).containsKey("access_token");
        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNull();
    }

    @Test
    void answerLostTwiceIsRetriedTwiceAndOneTokenLives() {
        refresh(TOKEN);
        clock.advance(Duration.ofSeconds(5));
        refresh(TOKEN);
        clock.advance(Duration.ofSeconds(5));
        Map<String, Object> third = refresh(TOKEN);

        assertThat(liveRefreshTokens()).containsExactly(hash((String) third.get("refresh_token")));
        assertThat(stores.accessRows).containsOnlyKeys(jti(third));
        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNull();
    }

    @Test
    void droppedSuccessorPresentedAfterTheRetryIsReuseAndRevokesTheGrant() {
        Map<String, Object> dropped = refresh(TOKEN);
        Map<String, Object> retried = refresh(TOKEN);

        // nobody who lost the answer holds it: whoever presents it took it off the wire
        assertInvalid(() -> refresh((String) dropped.get("refresh_token")));

        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNotNull();
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.TOKEN_REFRESHED,
                AuditEvent.Type.TOKEN_REFRESH_RETRIED, AuditEvent.Type.REFRESH_TOKEN_REUSED);
        assertInvalid(() -> refresh((String) retried.get("refresh_token")));
    }

    @Test
    void stolenOldTokenReplayedAfterTheSuccessorWasUsedIsReuse() {
        Map<String, Object> first = refresh(TOKEN);
        Map<String, Object> legitimate = refresh((String) first.get("refresh_token"));
        int accessTokens = stores.accessRows.size();
        clock.advance(Duration.ofSeconds(1));

        assertInvalid(() -> refresh(TOKEN)); // within the window, by the same client: still reuse

        assertReuseRevoked();
        assertThat(stores.accessRows).hasSize(accessTokens); // nothing issued
        // the legitimate client's tokens stop working with the grant
        assertInvalid(() -> refresh((String) legitimate.get("refresh_token")));
    }

    @Test
    void oldTokenReplayedAfterTheWindowIsReuse() {
        Map<String, Object> dropped = refresh(TOKEN);
        clock.advance(WINDOW.plusSeconds(1));

        assertInvalid(() -> refresh(TOKEN));

        assertReuseRevoked();
        assertInvalid(() -> refresh((String) dropped.get("refresh_token")));
    }

    @Test
    void oldTokenAtTheWindowsLastInstantIsARetry() {
        refresh(TOKEN);
        clock.advance(WINDOW);
        assertThat(refresh(TOKEN)).containsKey("refresh_token");
    }

    @Test
    void oldTokenReplayedByAnotherClientIsRefusedAndGainsNothing() {
        Map<String, Object> dropped = refresh(TOKEN);

        List<String> noted = new java.util.ArrayList<>();
        assertInvalid(() -> handler.handle(new RefreshToken(TOKEN, RequestedScope.absent()), other,
                new TokenRequester("203.0.113.5", noted::add)));

        assertThat(noted).containsExactly("login-7");

        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNull();
        assertThat(liveRefreshTokens()).containsExactly(hash((String) dropped.get("refresh_token")));
        assertThat(stores.accessRows).containsOnlyKeys(jti(dropped));
        assertThat(stores.auditRows.get(stores.auditRows.size() - 1).detail())
                .isEqualTo("refresh token of another client");
    }

    @Test
    void withTheWindowOffASecondUseIsReuseAsBefore() {
        RefreshTokenGrant off = handler(Duration.ZERO);
        off.handle(new RefreshToken(TOKEN, RequestedScope.absent()), client, REQUESTER);

        assertInvalid(() -> off.handle(new RefreshToken(TOKEN, RequestedScope.absent()), client, REQUESTER));

        assertReuseRevoked();
    }

    @Test
    void retryAskingForMoreThanTheGrantIsReuse() {
        refresh(TOKEN);

        assertInvalid(() -> handler.handle(new RefreshToken(TOKEN, RequestedScope.of(Scope.of("openid", "email"))),
                client, REQUESTER));

        assertReuseRevoked();
    }

    @Test
    void retryMayNarrowTheScope() {
        refresh(TOKEN);
        assertThat(handler.handle(new RefreshToken(TOKEN, RequestedScope.of(Scope.of("profile"))), client,
                REQUESTER)).containsEntry("scope", "profile");
    }

    @Test
    void retryWithAMalformedScopeIsReuse() {
        refresh(TOKEN);
        jakarta.ws.rs.core.MultivaluedHashMap<String, String> form = new jakarta.ws.rs.core.MultivaluedHashMap<>();
        form.putSingle("grant_type", "refresh_token");
        form.putSingle("refresh_token", TOKEN);
        form.put("scope", List.of("openid", "profile")); // repeated: invalid_request on a live token

        assertInvalid(() -> handler.handle((RefreshToken) dev.echoid.identity.protocol.TokenRequest.parse(form, null)
                .grant(), client, REQUESTER));

        assertReuseRevoked();
    }

    @Test
    void retryNamesTheSignInAndKeepsTheSessionsAmr() {
        UUID session = UUID.randomUUID();
        Grant withSession = new Grant(UUID.randomUUID(), "app", user.id(), session, "openid", clock.instant(),
                clock.instant(), clock.instant().plus(Duration.ofDays(1)), null, "login-9");
        stores.grants.create(withSession);
        stores.refreshRows.put(hash("sso"), new StoredRefreshToken(hash("sso"), withSession.id(), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), null));
        RefreshTokenGrant amrAware = new RefreshTokenGrant(stores.transactions, stores.refreshTokens, stores.grants,
                TokenFixture.responses(stores, clock, id -> id.equals(session) ? Optional.of("pwd otp")
                        : Optional.empty()), stores.audit, clock, WINDOW);
        amrAware.handle(new RefreshToken("sso", RequestedScope.absent()), client, REQUESTER);
        List<String> noted = new java.util.ArrayList<>();

        Map<String, Object> retried = amrAware.handle(new RefreshToken("sso", RequestedScope.absent()), client,
                new TokenRequester("203.0.113.5", noted::add));

        assertThat(noted).containsExactly("login-9");
        assertThat(JWT.decode((String) retried.get("id_token")).getClaim("amr").asList(String.class))
                .containsExactly("pwd", "otp");
    }

    @Test
    void retryForADisabledUserRevokesTheGrant() {
        refresh(TOKEN);
        stores.users.setEnabled(user.id(), false);

        assertInvalid(() -> refresh(TOKEN));

        assertThat(stores.revocations).containsEntry(grant.id(), "user gone or disabled");
    }

    @Test
    void retryWhoseSuccessorIsTakenMeanwhileIsReuse() {
        // another retry took the successor after this one's read: the store finds no unused successor
        Map<String, Object> dropped = refresh(TOKEN);
        stores.refreshTokens.markUsed(null, hash((String) dropped.get("refresh_token")));

        assertInvalid(() -> refresh(TOKEN));

        assertReuseRevoked();
    }

    @Test
    void failureWhileIssuingTheRetryLeavesTheSuccessorUnused() {
        Map<String, Object> dropped = refresh(TOKEN);
        stores.failNext(InMemoryStores.Write.ACCESS_TOKEN);

        assertThatThrownBy(() -> refresh(TOKEN)).isNotInstanceOf(OAuthException.class);

        // rolled back: the successor still lives and the retry can be made again
        assertThat(liveRefreshTokens()).containsExactly(hash((String) dropped.get("refresh_token")));
        assertThat(stores.accessRows).containsOnlyKeys(jti(dropped));
        assertThat(refresh(TOKEN)).containsKey("refresh_token");
        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNull();
    }

    private void assertReuseRevoked() {
        assertThat(stores.grantRows.get(grant.id()).revokedAt()).isNotNull();
        assertThat(stores.revocations).containsEntry(grant.id(), "refresh token reused");
        assertThat(stores.auditTypes()).contains(AuditEvent.Type.REFRESH_TOKEN_REUSED)
                .doesNotContain(AuditEvent.Type.TOKEN_REFRESH_RETRIED);
    }

    private List<String> liveRefreshTokens() {
        return stores.refreshRows.values().stream()
                .filter(row -> row.grantId().equals(grant.id()) && row.rotatedAt() == null)
                .map(StoredRefreshToken::tokenHash).toList();
    }

    private RefreshTokenGrant handler(Duration window) {
        return new RefreshTokenGrant(stores.transactions, stores.refreshTokens, stores.grants,
                TokenFixture.responses(stores, clock, id -> Optional.empty()), stores.audit, clock, window);
    }

    private Map<String, Object> refresh(String token) {
        return handler.handle(new RefreshToken(token, RequestedScope.absent()), client, REQUESTER);
    }

    private static String jti(Map<String, Object> response) {
        return JWT.decode((String) response.get("access_token")).getId();
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_GRANT));
    }

    private static String hash(String token) {
        return Sha256.base64Url(token);
    }
}
