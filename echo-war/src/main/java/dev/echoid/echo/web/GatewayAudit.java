package dev.echoid.echo.web;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.echo.oidc.VerifiedIdentity;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The gateway's side of the audit trail of one sign-in: one log line per event (logger {@code dev.echoid.echo.audit}),
 * {@code gateway-audit event=... outcome=... login_id=... state_hash=... sub=... detail=...}. The {@code login_id} is
 * the provider's (the ID token's {@code login_id} claim), so the provider's trail and these lines join on it. Before
 * the ID token arrives there is no login id yet: the redirect and the state check carry {@code state_hash}
 * (base64url SHA-256 of the state, never the state itself), which the "token validated" line links to the login id.
 */
final class GatewayAudit {

    private static final System.Logger LOG = System.getLogger("dev.echoid.echo.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    // one per deployment (this class is the web application's own); set once by the access log filter
    private static volatile LogFormat format = LogFormat.TEXT;

    private GatewayAudit() {
    }

    static void useFormat(LogFormat logFormat) {
        format = logFormat;
    }

    static void redirectSent(String state) {
        log(true, "authorization_redirect", null, state, null, null);
    }

    static void stateChecked(boolean passed, String state, String why) {
        log(passed, "state_check", null, state, null, why);
    }

    static void tokenValidated(VerifiedIdentity identity, String state) {
        log(true, "token_validated", identity.loginId(), state, identity.subject(), null);
    }

    static void tokenRefused(String state, String why) {
        log(false, "token_validated", null, state, null, why);
    }

    static void refreshed(VerifiedIdentity identity) {
        log(true, "token_refreshed", identity.loginId(), null, identity.subject(), null);
    }

    static void refreshFailed(String idToken, String why) {
        log(false, "token_refreshed", loginIdOf(idToken), null, null, why);
    }

    static void loggedOut(String idToken) {
        log(true, "logout", loginIdOf(idToken), null, null, null);
    }

    /** The login id of an ID token the session accepted earlier (already verified, so only decoded here). */
    static String loginIdOf(String idToken) {
        if (idToken == null) {
            return null;
        }
        try {
            return JWT.decode(idToken).getClaim(VerifiedIdentity.LOGIN_ID_CLAIM).asString();
        } catch (JWTDecodeException e) {
            return null;
        }
    }

    static String stateHash(String state) {
        if (state == null) {
            return null;
        }
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void log(boolean success, String event, String loginId, String state, String subject,
            String detail) {
        System.Logger.Level level = success ? System.Logger.Level.INFO : System.Logger.Level.WARNING;
        if (format == LogFormat.JSON) {
            LOG.log(level, jsonLine(success, event, loginId, state, subject, detail));
            return;
        }
        LOG.log(level,
                "gateway-audit event={0} outcome={1} login_id={2} state_hash={3} sub={4} detail={5}",
                event, success ? "success" : "failure", printable(loginId), printable(stateHash(state)),
                printable(subject), printable(detail));
    }

    /** The same line as one JSON object (Jackson escapes quotes and control characters). */
    static String jsonLine(boolean success, String event, String loginId, String state, String subject,
            String detail) {
        ObjectNode line = JSON.createObjectNode();
        line.put("log", "gateway-audit");
        line.put("event", event);
        line.put("outcome", success ? "success" : "failure");
        line.put("login_id", loginId);
        line.put("state_hash", stateHash(state));
        line.put("sub", subject);
        line.put("detail", detail == null || detail.length() <= 200 ? detail : detail.substring(0, 200) + "...");
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Values that came from outside (a token, a query string) never forge a log line. */
    private static String printable(String value) {
        if (value == null) {
            return "-";
        }
        String clipped = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return clipped.replaceAll("[\\p{Cntrl}\\s]", "?");
    }
}
