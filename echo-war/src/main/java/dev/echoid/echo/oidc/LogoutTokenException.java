package dev.echoid.echo.oidc;

/**
 * A logout token was refused. The reason and detail go to the log; the provider gets a generic {@code 400}.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation">OpenID Connect Back-Channel
 *         Logout 1.0 §2.6</a>
 */
public final class LogoutTokenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the token was refused, in the words of Back-Channel Logout 1.0 §2.6. */
    public enum Reason {
        NOT_ADVERTISED,
        MALFORMED,
        UNSUPPORTED_ALGORITHM,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        MISSING_CLAIM,
        NOT_RECENT,
        EXPIRED,
        NO_LOGOUT_EVENT,
        NONCE_PRESENT,
        NO_SUBJECT_OR_SESSION,
        REPLAYED
    }

    private final Reason reason;

    public LogoutTokenException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public LogoutTokenException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
