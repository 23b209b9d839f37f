package dev.echoid.identity.store;

import java.util.List;

/** Security events, kept in the database and written to the log. */
public interface AuditLog {

    void record(AuditEvent event);

    /** The most recent events, newest first. */
    List<AuditEvent> recent(int limit);
}
