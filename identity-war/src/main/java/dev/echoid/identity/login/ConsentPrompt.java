package dev.echoid.identity.login;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Consents;
import dev.echoid.identity.store.Consents.Consent;
import dev.echoid.identity.store.PendingConsents;
import dev.echoid.identity.store.User;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * When the person is asked for consent, and what their answer does (OIDC Core §11, {@code prompt=consent}).
 *
 * <ul>
 * <li>A client that is not first-party asking for {@code offline_access} without {@code prompt=consent} gets the
 *     rest of what it asked for, not offline access.</li>
 * <li>{@code prompt=consent} (from any client) shows the consent page after the person authenticated, every time;
 *     the request waits in PostgreSQL, bound to the browser ({@code IDENTITY_LOGIN}) and to the sign-on session,
 *     so any node takes the answer.</li>
 * <li>"Allow" is recorded (user, client, scope, time) and audited; "Deny" is audited.</li>
 * </ul>
 */
public final class ConsentPrompt {

    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private final PendingConsents pending;
    private final Consents consents;
    private final PendingAuthorizations browsers;
    private final AuditLog audit;
    private final Clock clock;

    public ConsentPrompt(PendingConsents pending, Consents consents, PendingAuthorizations browsers, AuditLog audit,
            Clock clock) {
        this.pending = pending;
        this.consents = consents;
        this.browsers = browsers;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The request as it will be processed: OIDC Core §11, "Upon receipt of a scope parameter containing the
     * offline_access value, the Authorization Server MUST ensure that the prompt parameter contains consent unless
     * other conditions for processing the request permitting offline access to the requested resources are in
     * place; unless those conditions are present, the Authorization Server MUST ignore the offline_access request."
     * The condition here is a first-party client. With {@code prompt=none} the request is kept as it is, so that
     * a signed-in person's silent request answers {@code consent_required} ({@link #isRequired}).
     */
    public AuthorizationRequest screen(AuthorizationRequest request, Client client) {
        if (!request.scope().contains(Scope.OFFLINE_ACCESS) || client.firstParty() || request.prompts("consent")
                || request.prompts("none")) {
            return request;
        }
        Set<String> granted = new LinkedHashSet<>(request.scope().values());
        granted.remove(Scope.OFFLINE_ACCESS);
        return request.withScope(new Scope(granted));
    }

    /**
     * Whether the person must answer the consent page before a code is issued for this (screened) request of
     * {@code client} (null: a client no longer registered, never first-party).
     */
    public boolean isRequired(AuthorizationRequest request, Client client) {
        // OIDC Core §11: "The OP MUST always obtain consent to returning a Refresh Token that allows offline access"
        return request.prompts("consent")
                || request.scope().contains(Scope.OFFLINE_ACCESS) && (client == null || !client.firstParty());
    }

    /** Keeps the request until the person signed in to {@code ssoSessionId} answers; the id for the consent page. */
    public String await(AuthorizationRequest request, UUID ssoSessionId, HttpServletRequest http,
            HttpServletResponse response) {
        String browser = browsers.browser(http, response);
        Instant now = clock.instant(); // expired requests are purged by the housekeeping
        String id = RandomTokens.base64Url(16);
        pending.save(Sha256.base64Url(id), Sha256.base64Url(browser), ssoSessionId,
                PendingAuthorizations.write(request), now.plus(LIFETIME));
        return id;
    }

    /** The request waiting for this browser's answer in the sign-on session {@code ssoSessionId}. */
    public Optional<AuthorizationRequest> find(String id, UUID ssoSessionId, HttpServletRequest http) {
        return lookup(id, ssoSessionId, http, false);
    }

    /** Takes the waiting request out, so that it is answered at most once. */
    public Optional<AuthorizationRequest> take(String id, UUID ssoSessionId, HttpServletRequest http) {
        return lookup(id, ssoSessionId, http, true);
    }

    /** The person allowed the request: recorded for the account page, and in the audit trail. */
    public void allowed(AuthorizationRequest request, User user, String remoteAddress) {
        consents.record(new Consent(user.id(), request.clientId(), request.scope().toString(),
                clock.instant().truncatedTo(ChronoUnit.MICROS)));
        audit.record(AuditEvent.success(AuditEvent.Type.CONSENT_GRANTED, request.clientId(), user.id(),
                user.username(), remoteAddress, "scope " + request.scope()).withLoginId(request.loginId()));
    }

    /** The person denied the request. */
    public void denied(AuthorizationRequest request, User user, String remoteAddress) {
        audit.record(AuditEvent.failure(AuditEvent.Type.CONSENT_DENIED, request.clientId(), user.id(),
                user.username(), remoteAddress, "scope " + request.scope()).withLoginId(request.loginId()));
    }

    private Optional<AuthorizationRequest> lookup(String id, UUID ssoSessionId, HttpServletRequest http,
            boolean take) {
        Optional<String> browser = PendingAuthorizations.browserSecret(http);
        if (id == null || id.isEmpty() || ssoSessionId == null || browser.isEmpty()) {
            return Optional.empty();
        }
        String idHash = Sha256.base64Url(id);
        String browserHash = Sha256.base64Url(browser.get());
        Instant now = clock.instant();
        return (take ? pending.take(idHash, browserHash, ssoSessionId, now)
                : pending.find(idHash, browserHash, ssoSessionId, now)).map(PendingAuthorizations::read);
    }
}
