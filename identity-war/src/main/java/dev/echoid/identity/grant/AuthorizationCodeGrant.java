package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.protocol.Pkce;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Hashes;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.AuthorizationCodes;
import dev.echoid.identity.store.IssuedCode;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.SsoSessions;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The authorization code grant: issues one-time codes after sign-in and redeems them at the token endpoint.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 */
public final class AuthorizationCodeGrant implements GrantHandler {

    private final AuthorizationCodes codes;
    private final Users users;
    private final Grants grants;
    private final SsoSessions ssoSessions;
    private final TokenResponseIssuer responses;
    private final AuditLog audit;
    private final Duration codeTtl;
    private final Duration grantTtl;
    private final Clock clock;

    public AuthorizationCodeGrant(AuthorizationCodes codes, Users users, Grants grants, SsoSessions ssoSessions,
            TokenResponseIssuer responses, AuditLog audit, Duration codeTtl, Duration grantTtl, Clock clock) {
        this.codes = codes;
        this.users = users;
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
        codes.save(new IssuedCode(Hashes.sha256Base64Url(code), request.clientId(), user.id(),
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

    @Override
    public Map<String, Object> handle(TokenRequest request) {
        Parameters params = request.parameters();
        String code = params.required("code");
        // RFC 6749 §4.1.3: redirect_uri is REQUIRED when it was in the authorization request (it always is here)
        String redirectUri = params.required("redirect_uri");
        String verifier = params.optional("code_verifier").orElse(null);
        Client client = request.client();
        String codeHash = Hashes.sha256Base64Url(code);
        UUID grantId = UUID.randomUUID();

        IssuedCode issued = codes.redeem(codeHash, grantId).orElseThrow(() -> {
            codes.find(codeHash).ifPresent(replayed -> revokeReplayed(replayed, request));
            return OAuthException.invalidGrant("The authorization code is invalid, expired or already used");
        });
        if (issued.expiresAt().isBefore(clock.instant())) {
            throw rejected(issued, request, "expired", "The authorization code has expired");
        }
        // RFC 6749 §4.1.3: ensure the code was issued to the authenticated client
        if (!issued.clientId().equals(client.clientId())) {
            throw rejected(issued, request, "issued to another client",
                    "The authorization code was not issued to this client");
        }
        // RFC 6749 §4.1.3: redirect_uri values MUST be identical
        if (!issued.redirectUri().toString().equals(redirectUri)) {
            throw rejected(issued, request, "redirect_uri mismatch",
                    "redirect_uri does not match the authorization request");
        }
        if (issued.codeChallenge() != null) {
            if (verifier == null) {
                throw rejected(issued, request, "no code_verifier", "code_verifier is required (PKCE)");
            }
            // RFC 7636 §4.6: the verifier MUST match the challenge, else invalid_grant
            if (!Pkce.matches(verifier, issued.codeChallenge())) {
                throw rejected(issued, request, "PKCE mismatch", "code_verifier does not match the code_challenge");
            }
        } else if (verifier != null) {
            // RFC 9700 §2.1.1: reject a code_verifier when the request had no code_challenge (PKCE downgrade)
            throw rejected(issued, request, "unexpected code_verifier",
                    "code_verifier sent for a code issued without code_challenge");
        }
        User user = users.find(issued.userId()).filter(User::enabled)
                .orElseThrow(() -> rejected(issued, request, "user gone or disabled",
                        "The authorization grant is no longer valid"));

        Instant now = clock.instant();
        Grant grant = new Grant(grantId, client.clientId(), user.id(), issued.ssoSessionId(), issued.scope(),
                issued.authTime(), now, now.plus(grantTtl), null, issued.loginId());
        grants.create(grant);
        Map<String, Object> response = responses.issue(grant, client, user, Scope.parse(issued.scope()),
                issued.nonce());
        audit.record(AuditEvent.success(AuditEvent.Type.CODE_REDEEMED, client.clientId(), user.id(),
                user.username(), request.remoteAddress(), "grant " + grantId).withLoginId(issued.loginId()));
        return response;
    }

    /**
     * RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization server MUST deny the
     * request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code."
     */
    private void revokeReplayed(IssuedCode replayed, TokenRequest request) {
        if (replayed.grantId() != null) {
            grants.revoke(replayed.grantId(), "authorization code replayed");
        }
        audit.record(AuditEvent.failure(AuditEvent.Type.CODE_REUSED, request.client().clientId(), replayed.userId(),
                null, request.remoteAddress(), "code issued to " + replayed.clientId() + " presented again")
                .withLoginId(replayed.loginId()));
    }

    private OAuthException rejected(IssuedCode code, TokenRequest request, String why, String description) {
        audit.record(AuditEvent.failure(AuditEvent.Type.TOKEN_REQUEST_FAILED, request.client().clientId(),
                code.userId(), null, request.remoteAddress(), why).withLoginId(code.loginId()));
        return OAuthException.invalidGrant(description);
    }
}
