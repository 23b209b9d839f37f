package dev.echoid.identity.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Audit events in the {@code audit_event} table, and one log line each (logger {@code dev.echoid.audit}). */
public final class JdbcAuditLog implements AuditLog {

    private static final Logger LOG = System.getLogger("dev.echoid.audit");
    private static final String INSERT = "INSERT INTO audit_event "
            + "(occurred_at, event_type, outcome, client_id, user_id, username, remote_address, detail) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String RECENT = "SELECT occurred_at, event_type, outcome, client_id, user_id, username, "
            + "remote_address, detail FROM audit_event ORDER BY id DESC LIMIT ?";

    private final Sql sql;

    public JdbcAuditLog(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void record(AuditEvent event) {
        LOG.log(event.outcome() == AuditEvent.Outcome.SUCCESS ? Level.INFO : Level.WARNING,
                "audit type={0} outcome={1} client={2} user={3} username={4} remote={5} detail={6}",
                event.type(), event.outcome(), event.clientId(), event.userId(), printable(event.username()),
                event.remoteAddress(), printable(event.detail()));
        sql.update(INSERT, s -> {
            s.setTimestamp(1, Sql.timestamp(event.occurredAt()));
            s.setString(2, event.type().name());
            s.setString(3, event.outcome().name().toLowerCase(java.util.Locale.ROOT));
            s.setString(4, event.clientId());
            s.setObject(5, event.userId());
            s.setString(6, event.username());
            s.setString(7, event.remoteAddress());
            s.setString(8, event.detail());
        });
    }

    @Override
    public List<AuditEvent> recent(int limit) {
        return sql.query(RECENT, s -> s.setInt(1, limit), JdbcAuditLog::map);
    }

    /** Keeps attacker-chosen text (a typed user name) from forging log lines. */
    private static String printable(String value) {
        if (value == null) {
            return null;
        }
        String clipped = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return clipped.replaceAll("\\p{Cntrl}", "?");
    }

    private static AuditEvent map(ResultSet row) throws SQLException {
        return new AuditEvent(Sql.instant(row, "occurred_at"),
                AuditEvent.Type.valueOf(row.getString("event_type")),
                AuditEvent.Outcome.valueOf(row.getString("outcome").toUpperCase(java.util.Locale.ROOT)),
                row.getString("client_id"), row.getObject("user_id", UUID.class), row.getString("username"),
                row.getString("remote_address"), row.getString("detail"));
    }
}
