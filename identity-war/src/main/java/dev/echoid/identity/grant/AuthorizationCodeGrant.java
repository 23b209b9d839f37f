package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationGrant.AuthorizationCode;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Pkce;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.AuthorizationCodes;
import dev.echoid.identity.store.IssuedCode;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.SsoSessions;
import dev.echoid.identity.store.Transactions;
import dev.echoid.identity.store.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The authorization code grant: issues one-time codes after sign-in and redeems them at the token endpoint.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 */
public final class AuthorizationCodeGrant implements GrantHandler<AuthorizationCode> {

    private final Transactions transactions;
    private final AuthorizationCodes codes;
    private final Grants grants;
    private final SsoSessions ssoSessions;
    private final TokenResponseIssuer responses;
    private final AuditLog audit;
    private final Duration codeTtl;
    private final Duration grantTtl;
    private final Clock clock;

    public AuthorizationCodeGrant(Transactions transactions, AuthorizationCodes codes, Grants grants,
            SsoSessions ssoSessions, TokenResponseIssuer responses, AuditLog audit, Duration codeTtl, Duration grantTtl,
            Clock clock) {
        this.transactions = transactions;
        this.codes = codes;
        this.grants = grants;
        this.ssoSessions = ssoSessions;
        this.responses = responses;
        this.audit = audit;
        this.codeTtl = codeTtl;
        this.grantTtl = grantTtl;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return Client.AUTHORIZATION_CODE;
    }

    @Override
    public Class<AuthorizationCode> grantClass() {
        return AuthorizationCode.class;
    }

    /**
     * A new code for a signed-in user: 256 random bits, only its SHA-256 stored. It belongs to the request's
     * sign-in (login id); when the user signed in earlier in the session (single sign-on), the audit event names the
     * login id of that sign-in too.
     *
     * @param ssoSessionId the provider sign-on session the user is in, or null
     */
    public String issue(AuthorizationRequest request, User user, Instant authTime, UUID ssoSessionId,
            String remoteAddress) {
        String code = RandomTokens.base64Url(32);
        Instant now = clock.instant();
        codes.save(new IssuedCode(Sha256.base64Url(code), request.clientId(), user.id(),
                request.redirectUri(), request.scope().toString(), request.nonce(), request.codeChallenge(),
                request.codeChallenge() == null ? null : Pkce.S256, authTime, now, now.plus(codeTtl), null, null,
                ssoSessionId, request.loginId()));
        String signedInBy = ssoSessionId == null ? null : ssoSessions.loginIdOf(ssoSessionId)
                .filter(original -> !original.equals(request.loginId()))
                .map(original -> "single sign-on; the password was entered in login " + original)
                .orElse(null);
        audit.record(AuditEvent.success(AuditEvent.Type.CODE_ISSUED, request.clientId(), user.id(), user.username(),
                remoteAddress, signedInBy).withLoginId(request.loginId()));
        return code;
    }

    /**
     * Checks the code first (client, redirect_uri, PKCE, expiry, user enabled), reading on its own connections; then
     * one transaction makes the atomic redemption, the grant and its token records, which commit together. A failure
     * while issuing rolls all of it back (the code stays unredeemed, so the client may retry); a failed check spends
     * the code (it is tried once). A concurrent redemption of the same code waits on the code's row until that
     * transaction ends, so a replay always finds the grant committed and revokes it (RFC 6749 §4.1.2).
     */
    @Override
    public Map<String, Object> handle(AuthorizationCode request, Client client, TokenRequester requester) {
        String redirectUri = request.redirectUri();
        String verifier = request.codeVerifier();
        String codeHash = Sha256.base64Url(request.code());
        UUID grantId = UUID.randomUUID();

        // the code, its user and the session's amr: one read before the transaction
        AuthorizationCodes.ForRedemption found = codes.findForRedemption(codeHash)
                .orElseThrow(() -> OAuthException.invalidGrant(
                        "The authorization code is invalid, expired or already used"));
        IssuedCode issued = found.code();
        if (issued.redeemedAt() != null) {
            throw replayed(codeHash, client, requester);
        }
        Refusal refusal = check(issued, client, redirectUri, verifier);
        User user = null;
        if (refusal == null) {
            user = found.user().filter(User::enabled).orElse(null);
            if (user == null) {
                refusal = new Refusal("user gone or disabled", "The authorization grant is no longer valid");
            }
        }
        if (refusal != null) {
            // the code is tried once: spend it (unless a concurrent redemption did)
            boolean spent = transactions.inTransaction(tx -> codes.redeem(tx, codeHash, grantId).isPresent());
            if (!spent) {
                throw replayed(codeHash, client, requester);
            }
            throw rejected(issued, client, requester, refusal.why(), refusal.description());
        }

        Instant now = clock.instant();
        Grant grant = new Grant(grantId, client.clientId(), user.id(), issued.ssoSessionId(), issued.scope(),
                issued.authTime(), now, now.plus(grantTtl), null, issued.loginId());
        User signedIn = user;
        List<String> amr = issued.ssoSessionId() == null ? List.of() : TokenResponseIssuer.amr(found.sessionAmr());
        Map<String, Object> response = transactions.inTransaction(tx -> {
            if (codes.redeem(tx, codeHash, grantId).isEmpty()) {
                return null; // redeemed meanwhile by a transaction that has committed, its grant with it
            }
            Map<String, Object> tokens = responses.issueForNewGrant(tx, grant, client, signedIn,
                    Scope.parse(issued.scope()), issued.nonce(), amr);
            // in the same commit: what the client is given is recorded, and a rolled-back redemption records nothing
            requester.noteLoginId(issued.loginId());
            audit.record(tx, AuditEvent.success(AuditEvent.Type.CODE_REDEEMED, client.clientId(), signedIn.id(),
                    signedIn.username(), requester.remoteAddress(), "grant " + grantId).withLoginId(issued.loginId()));
            return tokens;
        });
        if (response == null) {
            throw replayed(codeHash, client, requester);
        }
        return response;
    }

    /** Why a code may not be redeemed by a request: for the audit trail, and for the client. */
    private record Refusal(String why, String description) {
    }

    /** A code presented again: revoke what its redemption issued, then answer invalid_grant. */
    private OAuthException replayed(String codeHash, Client client, TokenRequester requester) {
        codes.find(codeHash).ifPresent(replayed -> revokeReplayed(replayed, client, requester));
        return OAuthException.invalidGrant("The authorization code is invalid, expired or already used");
    }

    /** The checks of RFC 6749 §4.1.3 and RFC 7636 §4.6; null when the code may be redeemed by this request. */
    private Refusal check(IssuedCode issued, Client client, String redirectUri, String verifier) {
        if (issued.expiresAt().isBefore(clock.instant())) {
            return new Refusal("expired", "The authorization code has expired");
        }
        // RFC 6749 §4.1.3: ensure the code was issued to the authenticated client
        if (!issued.clientId().equals(client.clientId())) {
            return new Refusal("issued to another client", "The authorization code was not issued to this client");
        }
        // RFC 6749 §4.1.3: redirect_uri values MUST be identical (for a native app's loopback redirect, the one
        // with the port it asked for at /authorize)
        if (!issued.redirectUri().toString().equals(redirectUri)) {
            return new Refusal("redirect_uri mismatch", "redirect_uri does not match the authorization request");
        }
        if (issued.codeChallenge() != null) {
            if (verifier == null) {
                return new Refusal("no code_verifier", "code_verifier is required (PKCE)");
            }
            // RFC 7636 §4.6: the verifier MUST match the challenge, else invalid_grant
            if (!Pkce.matches(verifier, issued.codeChallenge())) {
                return new Refusal("PKCE mismatch", "code_verifier does not match the code_challenge");
            }
        } else if (verifier != null) {
            // RFC 9700 §2.1.1: reject a code_verifier when the request had no code_challenge (PKCE downgrade)
            return new Refusal("unexpected code_verifier",
                    "code_verifier sent for a code issued without code_challenge");
        }
        return null;
    }

    /**
     * RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization server MUST deny the
     * request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code."
     */
    private void revokeReplayed(IssuedCode replayed, Client client, TokenRequester requester) {
        if (replayed.grantId() != null) {
            grants.revoke(replayed.grantId(), "authorization code replayed");
        }
        requester.noteLoginId(replayed.loginId());
        audit.record(AuditEvent.failure(AuditEvent.Type.CODE_REUSED, client.clientId(), replayed.userId(),
                null, requester.remoteAddress(), "code issued to " + replayed.clientId() + " presented again")
                .withLoginId(replayed.loginId()));
    }

    private OAuthException rejected(IssuedCode code, Client client, TokenRequester requester, String why,
            String description) {
        requester.noteLoginId(code.loginId());
        audit.record(AuditEvent.failure(AuditEvent.Type.TOKEN_REQUEST_FAILED, client.clientId(),
                code.userId(), null, requester.remoteAddress(), why).withLoginId(code.loginId()));
        return OAuthException.invalidGrant(description);
    }
}
