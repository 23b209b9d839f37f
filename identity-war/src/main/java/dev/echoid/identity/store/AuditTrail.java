package dev.echoid.identity.store;

import java.time.Instant;
import java.util.List;

/** Reads the audit trail: the events of one login, one user or one client, and whether the chain is intact. */
public interface AuditTrail {

    /**
     * The outcome of checking the whole chain.
     *
     * @param rowsChecked how many rows were read
     * @param brokenRowId the first row where the chain does not hold (null when intact, or when only the chain head
     *                    disagrees: rows after {@code lastId} were deleted)
     * @param problem     what was found there, null when intact
     * @param lastId      the last row found intact (the last row of the trail when intact; null when none)
     * @param lastHash    that row's hash: record it elsewhere to detect a later rewrite of the whole chain
     */
    record Verification(boolean intact, long rowsChecked, Long brokenRowId, String problem, Long lastId,
            String lastHash) {
    }

    Verification verify();

    /** Every event of one sign-in, in the order they happened. */
    List<AuditRecord> byLogin(String loginId);

    /**
     * The events of one user, by id (a UUID) or user name (case-insensitive; also failed attempts for a name that
     * matches no account), from {@code from} (inclusive) to {@code to} (exclusive), either may be null.
     */
    List<AuditRecord> byUser(String user, Instant from, Instant to);

    /** The events of one client in a time range, as in {@link #byUser}. */
    List<AuditRecord> byClient(String clientId, Instant from, Instant to);
}
