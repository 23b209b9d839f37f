package dev.echoid.identity.store;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

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
        this.unavailable = isConnectionFailure(cause);
    }

    /**
     * True when the database could not be reached or stopped serving (no connection within the pool's timeout, a
     * connection refused or broken, the server shutting down), as opposed to a statement that failed.
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

    private static boolean isConnectionFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // HikariCP's "Connection is not available, request timed out", the driver's refused or broken link
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && unavailableState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * PostgreSQL's SQLSTATEs (Appendix A) for "not now": class 08 connection exception, 57P01 admin_shutdown,
     * 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
     */
    private static boolean unavailableState(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300");
    }
}
