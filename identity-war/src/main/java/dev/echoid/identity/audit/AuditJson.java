package dev.echoid.identity.audit;

import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditRecord;
import dev.echoid.identity.store.AuditTrail.Verification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON form of audit events and of a verification, the same for the admin endpoint and the command. */
public final class AuditJson {

    private AuditJson() {
    }

    public static Map<String, Object> events(AuditQuery query, List<AuditRecord> records) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(query.kind().name().toLowerCase(Locale.ROOT), query.value());
        if (query.from() != null) {
            json.put("from", query.from().toString());
        }
        if (query.to() != null) {
            json.put("to", query.to().toString());
        }
        json.put("events", records.stream().map(AuditJson::event).toList());
        return json;
    }

    public static Map<String, Object> event(AuditRecord record) {
        AuditEvent event = record.event();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", record.id());
        json.put("occurred_at", event.occurredAt().toString());
        json.put("type", event.type().name());
        json.put("outcome", event.outcome().name().toLowerCase(Locale.ROOT));
        json.put("login_id", event.loginId());
        json.put("client_id", event.clientId());
        json.put("user_id", event.userId() == null ? null : event.userId().toString());
        json.put("username", event.username());
        json.put("remote_address", event.remoteAddress());
        json.put("detail", event.detail());
        json.put("row_hash", record.rowHash());
        return json;
    }

    public static Map<String, Object> verification(Verification verification) {
        Map<String, Object> json = new LinkedHashMap<>();
        // "ok", "broken", or "unverified" (IDENTITY_AUDIT_KEY not set, or not the chain's key)
        json.put("status", verification.status().name().toLowerCase(Locale.ROOT));
        json.put("rows_checked", verification.rowsChecked());
        // committed rows not chained yet, younger than the bound (older ones make the status "broken")
        json.put("pending", verification.pending());
        if (!verification.intact()) {
            json.put("broken_row_id", verification.brokenRowId());
            json.put("problem", verification.problem());
        }
        json.put("last_verified_id", verification.lastId());
        json.put("last_verified_hash", verification.lastHash());
        return json;
    }
}
