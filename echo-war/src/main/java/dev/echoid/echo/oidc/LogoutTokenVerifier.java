package dev.echoid.echo.oidc;

import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.echo.oidc.LogoutTokenException.Reason;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Verifies logout tokens POSTed to the back-channel logout endpoint: signed like an ID token (same keys, same
 * algorithm pinning), for us, recent, carrying the back-channel logout event and no nonce, and never seen before.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation">OpenID Connect Back-Channel
 *         Logout 1.0 §2.6</a>
 */
public final class LogoutTokenVerifier {

    public static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
    /** How old (by {@code iat}) a logout token may be; a token is delivered right after the logout it reports. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final String clientId;
    private final Duration clockSkew;
    private final Clock clock;
    private final ProviderDiscovery discovery;
    private final JwsSignature signature;
    private final SeenTokenIds seen;

    public LogoutTokenVerifier(String issuer, String clientId, Duration clockSkew, Clock clock,
            ProviderDiscovery discovery, JwkSet keys, SeenTokenIds seen) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clockSkew = clockSkew;
        this.clock = clock;
        this.discovery = discovery;
        this.signature = new JwsSignature(discovery, keys);
        this.seen = seen;
    }

    /**
     * @throws LogoutTokenException naming the first check that failed
     * @throws ProviderException    when discovery or the JWK Set cannot be fetched
     */
    public LogoutToken verify(String logoutToken) {
        if (!discovery.metadata().backchannelLogoutSupported()) {
            // Discovery decides which features the gateway uses: without backchannel_logout_supported, none is sent.
            throw new LogoutTokenException(Reason.NOT_ADVERTISED,
                    "the provider does not advertise backchannel_logout_supported");
        }
        DecodedJWT jwt;
        try {
            // §2.6 (2): validate the Logout Token signature in the same way that an ID Token signature is validated.
            jwt = signature.verify(logoutToken);
        } catch (IdTokenException e) {
            throw new LogoutTokenException(signatureReason(e.reason()), e.detail(), e);
        }
        try {
            return checkClaims(jwt, payload(jwt));
        } catch (JWTDecodeException e) {
            throw new LogoutTokenException(Reason.MALFORMED, "a claim has the wrong type: " + e.getMessage(), e);
        }
    }

    private LogoutToken checkClaims(DecodedJWT jwt, JsonNode claims) {
        Instant now = clock.instant();
        // §2.6 (3): validate the iss, aud, iat, and exp Claims in the same way they are validated in ID Tokens.
        if (!issuer.equals(jwt.getIssuer())) {
            throw new LogoutTokenException(Reason.WRONG_ISSUER, "iss '" + jwt.getIssuer() + "' is not '" + issuer + "'");
        }
        List<String> audience = jwt.getAudience();
        if (audience == null || !audience.contains(clientId)) {
            throw new LogoutTokenException(Reason.WRONG_AUDIENCE, "aud " + audience + " does not contain our client_id");
        }
        Instant issuedAt = jwt.getIssuedAtAsInstant();
        if (issuedAt == null) {
            throw new LogoutTokenException(Reason.MISSING_CLAIM, "no iat");
        }
        if (issuedAt.isAfter(now.plus(clockSkew)) || issuedAt.isBefore(now.minus(MAX_AGE).minus(clockSkew))) {
            throw new LogoutTokenException(Reason.NOT_RECENT, "iat " + issuedAt + " is too far from now " + now);
        }
        Instant expiresAt = jwt.getExpiresAtAsInstant();
        if (expiresAt != null && !now.isBefore(expiresAt.plus(clockSkew))) {
            throw new LogoutTokenException(Reason.EXPIRED, "expired at " + expiresAt + " (now " + now + ")");
        }
        // §2.4: jti REQUIRED.
        String tokenId = text(claims, "jti");
        if (tokenId == null) {
            throw new LogoutTokenException(Reason.MISSING_CLAIM, "no jti");
        }
        // §2.6 (5): verify that the Logout Token contains an events Claim whose value is a JSON object containing the
        // member name http://schemas.openid.net/event/backchannel-logout.
        JsonNode events = claims.get("events");
        if (events == null || !events.isObject() || !events.path(BACKCHANNEL_LOGOUT_EVENT).isObject()) {
            throw new LogoutTokenException(Reason.NO_LOGOUT_EVENT, "no events claim with the back-channel logout event");
        }
        // §2.6 (4): verify that the Logout Token contains a sub Claim, a sid Claim, or both.
        String subject = text(claims, "sub");
        String sessionId = text(claims, "sid");
        if (subject == null && sessionId == null) {
            throw new LogoutTokenException(Reason.NO_SUBJECT_OR_SESSION, "neither sub nor sid");
        }
        // §2.6 (6): verify that the Logout Token does not contain a nonce Claim (so an ID token never passes).
        if (claims.has("nonce")) {
            throw new LogoutTokenException(Reason.NONCE_PRESENT, "a logout token must not carry a nonce");
        }
        // §2.6 (7): another Logout Token with the same jti value must not have been recently received. Checked last,
        // so only tokens that passed every other check are remembered; past rememberUntil the iat check refuses it.
        Instant rememberUntil = issuedAt.plus(MAX_AGE).plus(clockSkew).plusSeconds(1);
        if (!seen.firstUse(tokenId, rememberUntil)) {
            throw new LogoutTokenException(Reason.REPLAYED, "jti already used");
        }
        return new LogoutToken(jwt.getIssuer(), subject, sessionId, tokenId, issuedAt);
    }

    private static JsonNode payload(DecodedJWT jwt) {
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.getPayload()));
            if (claims == null || !claims.isObject()) {
                throw new LogoutTokenException(Reason.MALFORMED, "the payload is not a JSON object");
            }
            return claims;
        } catch (IOException | IllegalArgumentException e) {
            throw new LogoutTokenException(Reason.MALFORMED, "the payload is not JSON", e);
        }
    }

    private static String text(JsonNode claims, String name) {
        JsonNode node = claims.get(name);
        return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    private static Reason signatureReason(IdTokenException.Reason reason) {
        switch (reason) {
            case UNSUPPORTED_ALGORITHM:
                return Reason.UNSUPPORTED_ALGORITHM;
            case UNKNOWN_KEY:
                return Reason.UNKNOWN_KEY;
            case BAD_SIGNATURE:
                return Reason.BAD_SIGNATURE;
            default:
                return Reason.MALFORMED;
        }
    }
}
