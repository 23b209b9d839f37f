package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.fixtures.InMemorySsoSessions;
import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.fixtures.TokenFixture;
import dev.echoid.identity.protocol.AuthorizationGrant.AuthorizationCode;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.OAuthError;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Pkce;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuthorizationCodes;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.IssuedCode;
import dev.echoid.identity.store.SsoSession;
import dev.echoid.identity.store.StoreException;
import dev.echoid.identity.store.Transaction;
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
 * The authorization code grant without a database: issuing, every refusal of RFC 6749 §4.1.3 and RFC 7636 §4.6
 * (each spends the code), replay (which revokes what the code issued), and a failed issue step (which spends
 * nothing). AuthorizationCodeIT and TokenAttacksIT prove the same over HTTP on PostgreSQL.
 */
class AuthorizationCodeGrantTest {

    private static final URI REDIRECT = URI.create("https://app.example/cb");
    private static final String REMOTE = "203.0.113.7";
    private static final TokenRequester REQUESTER = TokenRequester.at(REMOTE);
    private static final String INVALID_CODE = "The authorization code is invalid, expired or already used";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final Duration CODE_TTL = Duration.ofSeconds(60);
    private static final Duration GRANT_TTL = Duration.ofDays(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final InMemorySsoSessions sessions = new InMemorySsoSessions();
    private final User user = stores.addUser("ada", true);
    private final Client client = Client.codeFlow("app", "App", "secret-hash", List.of(REDIRECT));
    private final Client other = Client.codeFlow("other", "Other", "secret-hash", List.of(REDIRECT));
    private final Client noRefresh = new Client("plain", "Plain", "secret-hash", List.of(REDIRECT), true,
            java.util.Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", false);
    private Runnable beforeRedeem = () -> { };

    private final AuthorizationCodes codes = new AuthorizationCodes() {
        @Override
        public void save(IssuedCode code) {
            stores.codes.save(code);
        }

        @Override
        public Optional<IssuedCode> redeem(Transaction tx, String codeHash, UUID grantId) {
            beforeRedeem.run();
            return stores.codes.redeem(tx, codeHash, grantId);
        }

        @Override
        public Optional<IssuedCode> find(String codeHash) {
            return stores.codes.find(codeHash);
        }

        @Override
        public Optional<ForRedemption> findForRedemption(String codeHash) {
            return stores.codes.findForRedemption(codeHash);
        }

        @Override
        public int deleteExpired(Instant cutoff, int limit) {
            return stores.codes.deleteExpired(cutoff, limit);
        }
    };

    private final AuthorizationCodeGrant handler = new AuthorizationCodeGrant(stores.transactions, codes,
            stores.grants, sessions,
            TokenFixture.responses(stores, clock, session -> Optional.of("pwd otp")), stores.audit, CODE_TTL,
            GRANT_TTL, clock);

    @Test
    void issueStoresOnlyTheHashWithEverythingTheRedemptionChecks() {
        UUID session = UUID.randomUUID();
        String code = handler.issue(request("openid profile", Pkce.challengeOf(VERIFIER)), user,
                clock.instant().minusSeconds(5), session, REMOTE);

        assertThat(code).hasSize(43);
        assertThat(stores.codeRows).containsOnlyKeys(Sha256.base64Url(code));
        IssuedCode stored = stores.codeRows.get(Sha256.base64Url(code));
        assertThat(stored.clientId()).isEqualTo("app");
        assertThat(stored.userId()).isEqualTo(user.id());
        assertThat(stored.redirectUri()).isEqualTo(REDIRECT);
        assertThat(stored.scope()).isEqualTo("openid profile");
        assertThat(stored.nonce()).isEqualTo("n-1");
        assertThat(stored.codeChallenge()).isEqualTo(Pkce.challengeOf(VERIFIER));
        assertThat(stored.codeChallengeMethod()).isEqualTo(Pkce.S256);
        assertThat(stored.authTime()).isEqualTo(clock.instant().minusSeconds(5));
        assertThat(stored.issuedAt()).isEqualTo(clock.instant());
        assertThat(stored.expiresAt()).isEqualTo(clock.instant().plus(CODE_TTL));
        assertThat(stored.redeemedAt()).isNull();
        assertThat(stored.ssoSessionId()).isEqualTo(session);
        assertThat(stored.loginId()).isEqualTo("login-1");
        assertThat(stores.auditRows).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.CODE_ISSUED);
            assertThat(event.clientId()).isEqualTo("app");
            assertThat(event.loginId()).isEqualTo("login-1");
            assertThat(event.detail()).isNull();
        });
    }

    @Test
    void issueWithoutChallengeStoresNoMethod() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        IssuedCode stored = stores.codeRows.get(Sha256.base64Url(code));
        assertThat(stored.codeChallenge()).isNull();
        assertThat(stored.codeChallengeMethod()).isNull();
    }

    @Test
    void issueInSingleSignOnNamesTheSignInThatEnteredThePassword() {
        UUID session = session("login-0");
        handler.issue(request("openid", null), user, clock.instant(), session, REMOTE);
        assertThat(stores.auditRows.get(0).detail())
                .isEqualTo("single sign-on; the password was entered in login login-0");
    }

    @Test
    void issueInTheSignInThatEnteredThePasswordNamesNoOther() {
        UUID session = session("login-1");
        handler.issue(request("openid", null), user, clock.instant(), session, REMOTE);
        assertThat(stores.auditRows.get(0).detail()).isNull();
    }

    @Test
    void redeemWhenAllMatchesThenTokensGrantAndAuditCommitTogether() {
        UUID session = session("login-0");
        String code = handler.issue(request("openid profile", Pkce.challengeOf(VERIFIER)), user,
                clock.instant().minusSeconds(1), session, REMOTE);
        clock.advance(Duration.ofSeconds(10));

        Map<String, Object> response = handler.handle(redeem(code, REDIRECT.toString(), VERIFIER), client, REQUESTER);

        assertThat(response).containsKeys("access_token", "id_token", "refresh_token")
                .containsEntry("token_type", "Bearer").containsEntry("scope", "openid profile");
        assertThat(stores.grantRows).hasSize(1);
        Grant grant = stores.grantRows.values().iterator().next();
        assertThat(grant.clientId()).isEqualTo("app");
        assertThat(grant.userId()).isEqualTo(user.id());
        assertThat(grant.ssoSessionId()).isEqualTo(session);
        assertThat(grant.scope()).isEqualTo("openid profile");
        assertThat(grant.createdAt()).isEqualTo(clock.instant());
        assertThat(grant.expiresAt()).isEqualTo(clock.instant().plus(GRANT_TTL));
        assertThat(grant.loginId()).isEqualTo("login-1");
        IssuedCode redeemed = stores.codeRows.get(Sha256.base64Url(code));
        assertThat(redeemed.redeemedAt()).isEqualTo(clock.instant());
        assertThat(redeemed.grantId()).isEqualTo(grant.id());
        assertThat(stores.accessRows).containsValue(grant.id());
        assertThat(stores.refreshRows).hasSize(1);
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.CODE_ISSUED, AuditEvent.Type.CODE_REDEEMED);
        AuditEvent redeemedEvent = stores.auditRows.get(1);
        assertThat(redeemedEvent.userId()).isEqualTo(user.id());
        assertThat(redeemedEvent.username()).isEqualTo("ada");
        assertThat(redeemedEvent.detail()).isEqualTo("grant " + grant.id());
        assertThat(redeemedEvent.loginId()).isEqualTo("login-1");
        assertThat(redeemedEvent.remoteAddress()).isEqualTo(REMOTE);
        assertThat(stores.transactions.committed()).isEqualTo(1);
    }

    @Test
    void redeemWithoutOpenidThenNoIdToken() {
        String code = handler.issue(request("profile", null), user, clock.instant(), null, REMOTE);
        assertThat(handler.handle(redeem(code, REDIRECT.toString(), null), reissueTo(code, noRefresh), REQUESTER))
                .containsKey("access_token").doesNotContainKeys("id_token", "refresh_token");
    }

    @Test
    void codeUsedTwiceThenSecondRefusedAndWhatTheFirstIssuedIsRevoked() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER);
        UUID grantId = stores.grantRows.keySet().iterator().next();

        assertInvalidGrant(() -> handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER),
                "The authorization code is invalid, expired or already used");

        assertThat(stores.grantRows.get(grantId).revokedAt()).isNotNull();
        assertThat(stores.revocations).containsEntry(grantId, "authorization code replayed");
        assertThat(stores.auditTypes()).endsWith(AuditEvent.Type.CODE_REUSED);
        AuditEvent reused = stores.auditRows.get(stores.auditRows.size() - 1);
        assertThat(reused.userId()).isEqualTo(user.id());
        assertThat(reused.loginId()).isEqualTo("login-1");
        assertThat(reused.detail()).isEqualTo("code issued to app presented again");
        assertThat(reused.remoteAddress()).isEqualTo(REMOTE);
    }

    @Test
    void tokenRequestsNameTheSignInOfTheCodeTheyPresentAndNoOther() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        List<String> redeeming = new ArrayList<>();
        handler.handle(redeem(code, REDIRECT.toString(), null), client, new TokenRequester(REMOTE, redeeming::add));
        List<String> replaying = new ArrayList<>();
        assertInvalidGrant(() -> handler.handle(redeem(code, REDIRECT.toString(), null), client,
                new TokenRequester(REMOTE, replaying::add)), INVALID_CODE);
        List<String> guessing = new ArrayList<>();
        assertInvalidGrant(() -> handler.handle(redeem("no-such-code", REDIRECT.toString(), null), client,
                new TokenRequester(REMOTE, guessing::add)), INVALID_CODE);

        assertThat(redeeming).containsExactly("login-1");
        assertThat(replaying).containsExactly("login-1"); // the replay's access line points at the sign-in attacked
        assertThat(guessing).isEmpty();
    }

    @Test
    void unknownCodeThenInvalidGrantAndNothingWritten() {
        assertInvalidGrant(() -> handler.handle(redeem("no-such-code", REDIRECT.toString(), null), client, REQUESTER),
                "The authorization code is invalid, expired or already used");
        assertThat(stores.auditRows).isEmpty();
        assertThat(stores.transactions.committed()).isZero();
    }

    @Test
    void expiredCodeThenRefusedAndSpent() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        clock.advance(CODE_TTL.plusSeconds(1));
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), null), client, "expired",
                "The authorization code has expired");
    }

    @Test
    void codeAtItsLastInstantIsStillRedeemed() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        clock.advance(CODE_TTL);
        assertThat(handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER))
                .containsKey("access_token");
    }

    @Test
    void codeOfAnotherClientThenRefusedAndSpent() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), null), other, "issued to another client",
                "The authorization code was not issued to this client");
    }

    @Test
    void otherRedirectUriThenRefusedAndSpent() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        assertRefusedAndSpent(code, redeem(code, "https://app.example/cb/", null), client, "redirect_uri mismatch",
                "redirect_uri does not match the authorization request");
    }

    @Test
    void challengeWithoutVerifierThenRefusedAndSpent() {
        String code = handler.issue(request("openid", Pkce.challengeOf(VERIFIER)), user, clock.instant(), null,
                REMOTE);
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), null), client, "no code_verifier",
                "code_verifier is required (PKCE)");
    }

    @Test
    void wrongVerifierThenRefusedAndSpent() {
        String code = handler.issue(request("openid", Pkce.challengeOf(VERIFIER)), user, clock.instant(), null,
                REMOTE);
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), VERIFIER.replace('d', 'e')), client,
                "PKCE mismatch", "code_verifier does not match the code_challenge");
    }

    @Test
    void verifierForCodeWithoutChallengeIsPkceDowngradeThenRefusedAndSpent() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), VERIFIER), client, "unexpected code_verifier",
                "code_verifier sent for a code issued without code_challenge");
    }

    @Test
    void disabledUserThenRefusedAndSpent() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        stores.users.setEnabled(user.id(), false);
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), null), client, "user gone or disabled",
                "The authorization grant is no longer valid");
    }

    @Test
    void deletedUserThenRefusedAndSpent() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        stores.users.delete(user.id());
        assertRefusedAndSpent(code, redeem(code, REDIRECT.toString(), null), client, "user gone or disabled",
                "The authorization grant is no longer valid");
    }

    @Test
    void refusedCodeRedeemedMeanwhileByAnotherRequestThenTreatedAsReplay() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        // a concurrent redemption commits between this request's checks and its spending of the code
        beforeRedeem = () -> redeemedElsewhere(code);
        assertInvalidGrant(() -> handler.handle(redeem(code, REDIRECT.toString(), null), other, REQUESTER),
                "The authorization code is invalid, expired or already used");
        assertThat(stores.grantRows.values()).singleElement().satisfies(g -> assertThat(g.revokedAt()).isNotNull());
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.CODE_ISSUED, AuditEvent.Type.CODE_REUSED);
    }

    @Test
    void codeRedeemedMeanwhileByAnotherRequestThenThisOneRevokesWhatItIssued() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        beforeRedeem = () -> redeemedElsewhere(code);
        assertInvalidGrant(() -> handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER),
                "The authorization code is invalid, expired or already used");
        assertThat(stores.grantRows.values()).singleElement().satisfies(g -> assertThat(g.revokedAt()).isNotNull());
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.CODE_ISSUED, AuditEvent.Type.CODE_REUSED);
    }

    @Test
    void issueStepFailsThenNothingSpentAndTheRetryWorks() {
        String code = handler.issue(request("openid", null), user, clock.instant(), null, REMOTE);
        stores.failNext(InMemoryStores.Write.ACCESS_TOKEN);

        assertThatThrownBy(() -> handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER))
                .isInstanceOf(StoreException.class);
        assertThat(stores.codeRows.get(Sha256.base64Url(code)).redeemedAt()).isNull();
        assertThat(stores.grantRows).isEmpty();
        assertThat(stores.auditTypes()).containsExactly(AuditEvent.Type.CODE_ISSUED);

        assertThat(handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER))
                .containsKey("access_token");
        assertThat(stores.revocations).isEmpty();
    }

    @Test
    void grantTypeIsAuthorizationCode() {
        assertThat(handler.grantType()).isEqualTo("authorization_code");
        assertThat(handler.grantClass()).isEqualTo(AuthorizationCode.class);
    }

    private void assertRefusedAndSpent(String code, AuthorizationCode grant, Client as, String why,
            String description) {
        assertInvalidGrant(() -> handler.handle(grant, as, REQUESTER), description);
        IssuedCode spent = stores.codeRows.get(Sha256.base64Url(code));
        assertThat(spent.redeemedAt()).as("the code is tried once").isNotNull();
        assertThat(stores.grantRows).isEmpty();
        assertThat(stores.accessRows).isEmpty();
        AuditEvent failed = stores.auditRows.get(stores.auditRows.size() - 1);
        assertThat(failed.type()).isEqualTo(AuditEvent.Type.TOKEN_REQUEST_FAILED);
        assertThat(failed.detail()).isEqualTo(why);
        assertThat(failed.clientId()).isEqualTo(as.clientId());
        assertThat(failed.userId()).isEqualTo(user.id());
        assertThat(failed.loginId()).isEqualTo("login-1");
        assertThat(failed.remoteAddress()).isEqualTo(REMOTE);
        // spent: the right request now is a replay
        assertInvalidGrant(() -> handler.handle(redeem(code, REDIRECT.toString(), null), client, REQUESTER),
                "The authorization code is invalid, expired or already used");
        assertThat(stores.auditTypes()).endsWith(AuditEvent.Type.CODE_REUSED);
    }

    private static void assertInvalidGrant(ThrowingCallable call, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo(OAuthError.INVALID_GRANT);
            assertThat(e.description()).isEqualTo(description);
        });
    }

    /** Another request's redemption of the code commits now, with its grant. */
    private void redeemedElsewhere(String code) {
        beforeRedeem = () -> { };
        IssuedCode row = stores.codeRows.get(Sha256.base64Url(code));
        Grant grant = new Grant(UUID.randomUUID(), row.clientId(), row.userId(), null, row.scope(), row.authTime(),
                clock.instant(), clock.instant().plus(GRANT_TTL), null, row.loginId());
        stores.grants.create(grant);
        stores.codeRows.put(row.codeHash(), new IssuedCode(row.codeHash(), row.clientId(), row.userId(),
                row.redirectUri(), row.scope(), row.nonce(), row.codeChallenge(), row.codeChallengeMethod(),
                row.authTime(), row.issuedAt(), row.expiresAt(), clock.instant(), grant.id(), row.ssoSessionId(),
                row.loginId()));
    }

    /** The code as if issued to {@code to} (the request names the client it is for). */
    private Client reissueTo(String code, Client to) {
        IssuedCode row = stores.codeRows.get(Sha256.base64Url(code));
        stores.codeRows.put(row.codeHash(), new IssuedCode(row.codeHash(), to.clientId(), row.userId(),
                row.redirectUri(), row.scope(), row.nonce(), row.codeChallenge(), row.codeChallengeMethod(),
                row.authTime(), row.issuedAt(), row.expiresAt(), row.redeemedAt(), row.grantId(),
                row.ssoSessionId(), row.loginId()));
        return to;
    }

    private UUID session(String loginId) {
        UUID id = UUID.randomUUID();
        sessions.create(new SsoSession(id, user.id(), clock.instant(), clock.instant(), clock.instant(),
                clock.instant().plus(Duration.ofHours(8)), null, "pwd", loginId), "secret-hash-" + id);
        return id;
    }

    private static AuthorizationRequest request(String scope, String challenge) {
        return new AuthorizationRequest("app", REDIRECT, Scope.parse(scope), "s-1", "n-1", challenge, null, null,
                "login-1");
    }

    private static AuthorizationCode redeem(String code, String redirectUri, String verifier) {
        return new AuthorizationCode(code, redirectUri, verifier);
    }
}
