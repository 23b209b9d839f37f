package dev.echoid.identity.store;

import dev.echoid.identity.config.DatabaseFailures;

/**
 * The database failed; the cause goes to the log. When the database cannot be reached ({@link #isUnavailable()})
 * callers answer 503 {@code temporarily_unavailable} with {@code Retry-After}, else {@code server_error}.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What a 503 tells the client to wait before trying again (RFC 9110 §10.2.3). */
    public static final int RETRY_AFTER_SECONDS = 10;

    private final boolean unavailable;

    public StoreException(Throwable cause) {
        super(cause);
        this.unavailable = DatabaseFailures.isUnavailable(cause);
    }

    /**
     * True when the database could not be reached or stopped serving (no connection within the pool's timeout, a
     * connection refused or broken, the server shutting down or read-only), as opposed to a statement that failed:
     * {@link DatabaseFailures#isUnavailable} decides.
     */
    public boolean isUnavailable() {
        return unavailable;
    }

    /** True when {@code failure} or one of its causes is a {@link StoreException} that {@link #isUnavailable()}. */
    public static boolean unavailableIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException store && store.isUnavailable()) {
                return true;
            }
        }
        return false;
    }
}
