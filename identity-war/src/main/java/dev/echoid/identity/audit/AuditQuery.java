package dev.echoid.identity.audit;

import dev.echoid.identity.store.AuditRecord;
import dev.echoid.identity.store.AuditTrail;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * One question to the audit trail, as the admin endpoint and {@link AuditCommand} ask it: the events of one login,
 * of one user or of one client, the last two optionally from/to an instant (ISO-8601, e.g.
 * {@code 2025-01-31T08:00:00Z}; from inclusive, to exclusive).
 */
public record AuditQuery(Kind kind, String value, Instant from, Instant to) {

    public enum Kind { LOGIN, USER, CLIENT }

    private static final int MAX_VALUE_LENGTH = 200;

    public AuditQuery {
        if (value == null || value.isBlank() || value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " must be 1 to "
                    + MAX_VALUE_LENGTH + " characters");
        }
        if (kind == Kind.LOGIN && (from != null || to != null)) {
            throw new IllegalArgumentException("from and to go with user or client, not with login");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static AuditQuery of(Kind kind, String value, String from, String to) {
        return new AuditQuery(kind, value, instant("from", from), instant("to", to));
    }

    public List<AuditRecord> run(AuditTrail trail) {
        return switch (kind) {
            case LOGIN -> trail.byLogin(value);
            case USER -> trail.byUser(value, from, to);
            case CLIENT -> trail.byClient(value, from, to);
        };
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2025-01-31T08:00:00Z");
        }
    }
}
