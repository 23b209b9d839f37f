package dev.echoid.identity.logout;

import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.SsoSessions;
import dev.echoid.identity.store.SsoSessions.SignedInClient;
import dev.echoid.identity.token.JwtIssuer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells every client that a sign-on session signed in to that it ended: a logout token POSTed to each registered
 * {@code backchannel_logout_uri}, all at once, waiting a bounded time.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OpenID Connect Back-Channel Logout 1.0</a>
 */
public final class BackchannelLogout {

    private static final Logger LOG = System.getLogger(BackchannelLogout.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final SsoSessions sessions;
    private final JwtIssuer tokens;
    private final AuditLog audit;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER) // §2.5: the RP answers 200; a redirect is not followed
            .build();

    public BackchannelLogout(SsoSessions sessions, JwtIssuer tokens, AuditLog audit) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.audit = audit;
    }

    /** Notifies the clients of the session; returns how many answered 200. */
    public int notifyClients(UUID sessionId, UUID userId) {
        List<SignedInClient> clients = sessions.clientsOf(sessionId).stream()
                .filter(client -> client.backchannelLogoutUri() != null)
                .toList();
        List<CompletableFuture<Boolean>> deliveries = clients.stream()
                .map(client -> deliver(client, tokens.logoutToken(userId, client.clientId(), sessionId), userId))
                .toList();
        try {
            CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new))
                    .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception slowOrFailed) {
            LOG.log(Level.WARNING, "Back-channel logout: not every client answered in time");
        }
        return (int) deliveries.stream().filter(d -> d.isDone() && !d.isCompletedExceptionally() && d.join()).count();
    }

    private CompletableFuture<Boolean> deliver(SignedInClient client, String logoutToken, UUID userId) {
        HttpRequest request = HttpRequest.newBuilder(client.backchannelLogoutUri())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    boolean ok = failure == null && response.statusCode() == 200;
                    String detail = "back-channel logout to " + client.backchannelLogoutUri() + ": "
                            + (failure != null ? failure.getClass().getSimpleName() : "HTTP " + response.statusCode());
                    audit.record((ok
                            ? AuditEvent.success(AuditEvent.Type.LOGOUT, client.clientId(), userId, null, null, detail)
                            : AuditEvent.failure(AuditEvent.Type.LOGOUT, client.clientId(), userId, null, null,
                                    detail)).withLoginId(client.loginId()));
                    return ok;
                });
    }
}
