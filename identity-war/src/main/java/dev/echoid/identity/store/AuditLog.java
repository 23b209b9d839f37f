package dev.echoid.identity.store;

import java.util.List;

/** Security events, kept in the database and written to the log. */
public interface AuditLog {

    /** Records an event on its own (an action without a transaction, or a refusal that changes nothing). */
    void record(AuditEvent event);

    /**
     * Records an event in {@code tx}: it commits with the action it records, and a rolled-back action records
     * nothing. The database log inserts it there; this default (for logs that are not in the database) records it
     * once {@code tx} has committed.
     */
    default void record(Transaction tx, AuditEvent event) {
        if (tx == null) {
            record(event); // no transaction (a unit test's stand-in): on its own
            return;
        }
        tx.afterCommit(() -> record(event));
    }

    /** The most recent events, newest first. */
    List<AuditEvent> recent(int limit);
}
