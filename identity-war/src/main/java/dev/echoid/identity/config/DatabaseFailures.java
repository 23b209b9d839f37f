package dev.echoid.identity.config;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * The one place that tells "the database is not available now" (answer 503 with {@code Retry-After}, and drop the
 * connection) from "a statement failed" (a bug or a conflict: 500, keep the connection). {@code StoreException}
 * asks it for the answer, the WAR's HikariCP pool ({@link #EVICTION}) for whether a connection may be reused.
 */
public final class DatabaseFailures {

    /** HikariCP's override: a connection that failed as "unavailable" is closed, never handed out again. */
    public static final SQLExceptionOverride EVICTION = new SQLExceptionOverride() {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException failure) {
            // HikariCP evicts class 08 and 57P01-57P03 itself; 25006 it would keep: a read-only server stays one
            return isUnavailable(failure) ? SQLExceptionOverride.Override.MUST_EVICT
                    : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    };

    private DatabaseFailures() {
    }

    /**
     * True when {@code failure} or one of its causes says the database could not be reached or does not serve
     * writes now: no connection within the pool's timeout (HikariCP's {@link SQLTransientConnectionException}), a
     * connection refused or broken, the server shutting down or starting, full, or read-only (a standby, or a
     * primary fenced or demoted during a failover).
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && isUnavailableState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * PostgreSQL's SQLSTATEs (Appendix A) for "not now": class 08 connection exception (the driver's 08001 also
     * when no server of {@code targetServerType=primary} answers), 57P01 admin_shutdown, 57P02 crash_shutdown,
     * 57P03 cannot_connect_now, 53300 too_many_connections, 25006 read_only_sql_transaction.
     */
    static boolean isUnavailableState(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300") || state.equals("25006");
    }
}
