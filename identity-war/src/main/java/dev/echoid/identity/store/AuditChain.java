package dev.echoid.identity.store;

import dev.echoid.identity.security.Hashes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The hash chain of the audit trail. Each row stores the hash of the row before it ({@code prev_hash}) and its own
 * {@code row_hash} = hex SHA-256 of the UTF-8 bytes of {@code prev_hash} followed by the row's canonical form.
 *
 * <p>Canonical form: the fields below in this order, each written as the byte 0x00 when null, else as 0x01, the
 * length of its UTF-8 bytes (4 bytes, big-endian) and those bytes. The length prefix means no text in one field
 * can pass for a field boundary. Fields: {@code id} (decimal), {@code occurred_at} (microseconds since
 * 1970-01-01T00:00Z, decimal; PostgreSQL keeps microseconds), {@code event_type}, {@code outcome}, {@code client_id},
 * {@code user_id} (lower-case UUID), {@code username}, {@code remote_address}, {@code detail}, {@code login_id}.
 * The migration {@code V4} defines the same function in SQL ({@code audit_event_hash}) for rows written before it.
 */
public final class AuditChain {

    /** The {@code prev_hash} of the first row. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** The instant as the database keeps it (microseconds), so that what is hashed is what is stored. */
    public static Instant storable(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    public static String rowHash(String prevHash, long id, AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(prevHash.getBytes(StandardCharsets.UTF_8));
        field(bytes, Long.toString(id));
        field(bytes, Long.toString(epochMicros(event.occurredAt())));
        field(bytes, event.type().name());
        field(bytes, event.outcome().name().toLowerCase(Locale.ROOT));
        field(bytes, event.clientId());
        field(bytes, event.userId() == null ? null : event.userId().toString());
        field(bytes, event.username());
        field(bytes, event.remoteAddress());
        field(bytes, event.detail());
        field(bytes, event.loginId());
        return HexFormat.of().formatHex(Hashes.sha256(bytes.toByteArray()));
    }

    /** Checks rows in id order, stopping at the first that breaks the chain. */
    public static final class Verifier {

        private String previousHash = GENESIS;
        private Long previousId;
        private long rows;
        private AuditTrail.Verification broken;

        /** False once the chain is broken (the rest need not be read). */
        public boolean check(AuditRecord row) {
            if (broken != null) {
                return false;
            }
            rows++;
            if (!rowHash(row.prevHash(), row.id(), row.event()).equals(row.rowHash())) {
                broken = broken(row.id(), "row " + row.id() + " was altered: its content does not match its hash");
            } else if (!row.prevHash().equals(previousHash)) {
                broken = broken(row.id(), previousId == null
                        ? "row " + row.id() + " is not the start of the chain: rows before it were deleted"
                        : "the chain breaks between rows " + previousId + " and " + row.id()
                                + ": a row between them was deleted, or row " + row.id() + " was inserted");
            } else {
                previousHash = row.rowHash();
                previousId = row.id();
            }
            return broken == null;
        }

        /** A row whose type or outcome is none the application writes: it was altered or inserted. */
        public boolean unreadable(long id) {
            if (broken == null) {
                rows++;
                broken = broken(id, "row " + id + " was altered or inserted: unknown event type or outcome");
            }
            return false;
        }

        /** The outcome, given what the chain head says the last row is. */
        public AuditTrail.Verification result(Long headLastId, String headHash) {
            if (broken != null) {
                return broken;
            }
            if (!java.util.Objects.equals(headLastId, previousId) || !previousHash.equals(headHash)) {
                return new AuditTrail.Verification(false, rows, null, previousId == null
                        ? "the trail is empty but the chain head names row " + headLastId + ": rows were deleted"
                        : "the chain head names row " + headLastId + " but the last row is " + previousId
                                + ": rows after it were deleted (or the head was altered)",
                        previousId, previousHash);
            }
            return new AuditTrail.Verification(true, rows, null, null, previousId, previousHash);
        }

        private AuditTrail.Verification broken(long id, String problem) {
            return new AuditTrail.Verification(false, rows, id, problem, previousId, previousHash);
        }
    }

    static long epochMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static void field(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
        out.writeBytes(utf8);
    }
}
