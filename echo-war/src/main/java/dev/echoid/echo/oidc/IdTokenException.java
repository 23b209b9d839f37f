package dev.echoid.echo.oidc;

/**
 * An ID token was refused. The reason and detail go to the log; the user sees only that sign-in failed.
 */
public final class IdTokenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the token was refused, in the words of OpenID Connect Core 1.0 §3.1.3.7. */
    public enum Reason {
        MALFORMED,
        UNSUPPORTED_ALGORITHM,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        WRONG_AUTHORIZED_PARTY,
        EXPIRED,
        NOT_YET_VALID,
        MISSING_CLAIM,
        NONCE_MISMATCH,
        /** A refreshed ID token names another user, issuer or audience than the one it replaces (§12.2). */
        REFRESH_MISMATCH
    }

    private final Reason reason;
    private final String detail;

    public IdTokenException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
        this.detail = detail;
    }

    public IdTokenException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The private detail, without the reason. */
    public String detail() {
        return detail;
    }
}
