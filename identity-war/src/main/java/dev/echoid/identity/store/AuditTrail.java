package dev.echoid.identity.store;

import java.time.Instant;
import java.util.List;

/** Reads the audit trail: the events of one login, one user or one client, and whether the chain is intact. */
public interface AuditTrail {

    /** What a check of the chain found. */
    enum Status {
        /** Every row and the head verify under the key. */
        OK,
        /** A row or the head does not: edited, deleted, inserted or re-chained without the key. */
        BROKEN,
        /** The chain could not be checked: {@code IDENTITY_AUDIT_KEY} is not set, or is not the chain's key. */
        UNVERIFIED
    }

    /**
     * The outcome of checking the whole chain.
     *
     * @param rowsChecked how many rows were read
     * @param brokenRowId the first row where the chain does not hold (null when intact, when unverified, or when only
     *                    the chain head disagrees: rows after {@code lastId} were deleted)
     * @param problem     what was found there, or why the chain could not be checked; null when intact
     * @param lastId      the last row found intact (the last row of the trail when intact; null when none)
     * @param lastHash    that row's hash: record it elsewhere to detect a later rewrite of the whole chain
     * @param pending     rows inserted and committed but not chained yet, younger than the bound (so not a problem)
     */
    record Verification(Status status, long rowsChecked, Long brokenRowId, String problem, Long lastId,
            String lastHash, long pending) {

        /** Nothing pending. */
        public Verification(Status status, long rowsChecked, Long brokenRowId, String problem, Long lastId,
                String lastHash) {
            this(status, rowsChecked, brokenRowId, problem, lastId, lastHash, 0);
        }

        /** The same outcome, with {@code pending} rows inserted and not chained yet (within the bound). */
        public Verification withPending(long pending) {
            return new Verification(status, rowsChecked, brokenRowId, problem, lastId, lastHash, pending);
        }

        /** The chain could not be checked at all. */
        public static Verification unverified(String problem) {
            return new Verification(Status.UNVERIFIED, 0, null, problem, null, null);
        }

        public boolean intact() {
            return status == Status.OK;
        }
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
