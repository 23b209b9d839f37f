package dev.echoid.identity.store;

import dev.echoid.identity.security.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash chain of the audit trail, the one place that computes a row's hash. Each row stores the hash of the row
 * before it ({@code prev_hash}) and its own {@code row_hash}:
 * <ul>
 * <li>{@link #KEYED} ({@code chain_version} 2): hex HMAC-SHA-256 under {@code IDENTITY_AUDIT_KEY} of the UTF-8 bytes
 * of {@code prev_hash} followed by the row's canonical form. The key is never in the database, so someone who can
 * only write the database cannot re-chain rows they edited, deleted or inserted.</li>
 * <li>{@link #UNKEYED} ({@code chain_version} 1, migration V4): hex SHA-256 of the same bytes. Written only without
 * the key (dev mode); the provider re-chains such rows with the key when it first starts with one.</li>
 * </ul>
 *
 * <p>Canonical form: the fields below in this order, each written as the byte 0x00 when null, else as 0x01, the
 * length of its UTF-8 bytes (4 bytes, big-endian) and those bytes. The length prefix means no text in one field
 * can pass for a field boundary. Fields: {@code id} (decimal), {@code occurred_at} (microseconds since
 * 1970-01-01T00:00Z, decimal; PostgreSQL keeps microseconds), {@code event_type}, {@code outcome}, {@code client_id},
 * {@code user_id} (lower-case UUID), {@code username}, {@code remote_address}, {@code detail}, {@code login_id}.
 *
 * <p>The chain head (the last row's id and hash) of a keyed chain carries {@code head_mac}: hex HMAC-SHA-256 under
 * the same key of the ASCII bytes {@code echoid audit head}, then the fields {@code last_id} and {@code last_hash}
 * in the form above; so the last rows cannot be deleted by moving the head back.
 */
public final class AuditChain {

    /** The {@code prev_hash} of the first row. */
    public static final String GENESIS = "0".repeat(64);
    /** {@code chain_version} of a row hashed without a key (V4's SHA-256). */
    public static final int UNKEYED = 1;
    /** {@code chain_version} of a row hashed with HMAC-SHA-256 under {@code IDENTITY_AUDIT_KEY}. */
    public static final int KEYED = 2;

    private static final byte[] HEAD_LABEL = "echoid audit head".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INSERT_LABEL = "echoid audit insert".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    private AuditChain(SecretKeySpec key) {
        this.key = key;
    }

    /** The chain under {@code IDENTITY_AUDIT_KEY}. */
    public static AuditChain keyed(byte[] key) {
        return new AuditChain(new SecretKeySpec(key.clone(), "HmacSHA256"));
    }

    /** The chain without a key: dev mode only, and for checking rows written before the key was set. */
    public static AuditChain unkeyed() {
        return new AuditChain(null);
    }

    public static AuditChain of(Optional<byte[]> key) {
        return key.map(AuditChain::keyed).orElseGet(AuditChain::unkeyed);
    }

    public boolean isKeyed() {
        return key != null;
    }

    /** The {@code chain_version} of the rows this chain writes. */
    public int version() {
        return isKeyed() ? KEYED : UNKEYED;
    }

    /** The instant as the database keeps it (microseconds), so that what is hashed is what is stored. */
    public static Instant storable(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The {@code row_hash} of a row of this chain's version. */
    public String rowHash(String prevHash, long id, AuditEvent event) {
        byte[] bytes = canonical(prevHash, id, event);
        return HexFormat.of().formatHex(isKeyed() ? mac(bytes) : Sha256.digest(bytes));
    }

    /** V4's unkeyed hash (the SQL function {@code audit_event_hash} computes the same). */
    public static String unkeyedRowHash(String prevHash, long id, AuditEvent event) {
        return unkeyed().rowHash(prevHash, id, event);
    }

    /** Whether the row is of this chain's version and its {@code row_hash} is right for its content. */
    public boolean hashMatches(AuditRecord row) {
        return row.chainVersion() == version() && row.rowHash() != null
                && sameText(rowHash(row.prevHash(), row.id(), row.event()), row.rowHash());
    }

    /** The {@code head_mac} of a keyed chain whose last row is {@code lastId} with {@code lastHash}. */
    public String headMac(Long lastId, String lastHash) {
        if (!isKeyed()) {
            throw new IllegalStateException("an unkeyed chain has no head MAC");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(HEAD_LABEL);
        field(bytes, lastId == null ? null : Long.toString(lastId));
        field(bytes, lastHash);
        return HexFormat.of().formatHex(mac(bytes.toByteArray()));
    }

    /** Whether {@code headMac} is the MAC of that head under this chain's key (false without a key). */
    public boolean headMacMatches(Long lastId, String lastHash, String headMac) {
        return isKeyed() && headMac != null && lastHash != null && sameText(headMac(lastId, lastHash), headMac);
    }

    /**
     * The {@code insert_mac} of a row not yet linked: HMAC under the key of the ASCII bytes {@code echoid audit insert}
     * and the row's canonical form without its id (not known before the insert); null without a key. The chainer
     * links no row whose MAC does not match, so someone who can only write the database cannot have a row sealed.
     */
    public String insertMac(AuditEvent event) {
        if (!isKeyed()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(INSERT_LABEL);
        content(bytes, event);
        return HexFormat.of().formatHex(mac(bytes.toByteArray()));
    }

    /** Whether an unlinked row may be linked by this chain: its insert MAC matches (always, without a key). */
    public boolean insertMacMatches(AuditEvent event, String insertMac) {
        return !isKeyed() || insertMac != null && sameText(insertMac(event), insertMac);
    }

    /** Checks rows in chain order, stopping at the first that breaks the chain. */
    public static final class Verifier {

        private final AuditChain chain;
        private String previousHash = GENESIS;
        private Long previousId;
        private long rows;
        private boolean firstRowFailed;
        private AuditTrail.Verification broken;

        public Verifier(AuditChain chain) {
            this.chain = chain;
        }

        /** False once the chain is broken (the rest need not be read). */
        public boolean check(AuditRecord row) {
            if (broken != null) {
                return false;
            }
            rows++;
            if (row.chainVersion() != chain.version()) {
                broken = broken(row.id(), chain.isKeyed()
                        ? "row " + row.id() + " is not keyed with IDENTITY_AUDIT_KEY: it was written before the key "
                                + "was set and not re-chained since (the provider does that when it starts with the "
                                + "key), or re-chained by someone without the key"
                        : "row " + row.id() + " is keyed: it cannot be checked without IDENTITY_AUDIT_KEY");
            } else if (!chain.hashMatches(row)) {
                firstRowFailed = previousId == null;
                broken = broken(row.id(), "row " + row.id() + " was altered: its content does not match its hash"
                        + (chain.isKeyed() ? " (or it was re-chained by someone without IDENTITY_AUDIT_KEY)" : ""));
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

        /** The outcome of an unkeyed chain, given what the chain head says the last row is. */
        public AuditTrail.Verification result(Long headLastId, String headHash) {
            return result(headLastId, headHash, UNKEYED, null);
        }

        /** The outcome, given the chain head: its last row, its version and (keyed) its MAC. */
        public AuditTrail.Verification result(Long headLastId, String headHash, int headVersion, String headMac) {
            boolean headAuthentic = !chain.isKeyed() || chain.headMacMatches(headLastId, headHash, headMac);
            if (chain.isKeyed() && !headAuthentic && headVersion == KEYED && (rows == 0 || firstRowFailed)) {
                // neither the head nor the first row verifies: the key is not the one the trail was written with
                return new AuditTrail.Verification(AuditTrail.Status.UNVERIFIED, rows, null,
                        "the audit key does not match the chain: IDENTITY_AUDIT_KEY is not the key the trail was "
                                + "written with (or every row and the head were rewritten by someone without it)",
                        null, null);
            }
            if (broken != null) {
                return broken;
            }
            boolean freshUnkeyed = headVersion == UNKEYED && headLastId == null && rows == 0;
            if (chain.isKeyed() && !headAuthentic && !freshUnkeyed) {
                return new AuditTrail.Verification(AuditTrail.Status.BROKEN, rows, null, headVersion == KEYED
                        ? "the chain head was altered (its MAC does not match): rows after row " + previousId
                                + " may have been deleted"
                        : "the chain head is not keyed with IDENTITY_AUDIT_KEY: it was reset by someone without it",
                        previousId, previousHash);
            }
            if (!Objects.equals(headLastId, previousId) || !previousHash.equals(headHash)) {
                return new AuditTrail.Verification(AuditTrail.Status.BROKEN, rows, null, previousId == null
                        ? "the trail is empty but the chain head names row " + headLastId + ": rows were deleted"
                        : "the chain head names row " + headLastId + " but the last row is " + previousId
                                + ": rows after it were deleted (or the head was altered)",
                        previousId, previousHash);
            }
            return new AuditTrail.Verification(AuditTrail.Status.OK, rows, null, null, previousId, previousHash);
        }

        private AuditTrail.Verification broken(long id, String problem) {
            return new AuditTrail.Verification(AuditTrail.Status.BROKEN, rows, id, problem, previousId,
                    previousHash);
        }
    }

    static long epochMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static byte[] canonical(String prevHash, long id, AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(prevHash.getBytes(StandardCharsets.UTF_8));
        field(bytes, Long.toString(id));
        content(bytes, event);
        return bytes.toByteArray();
    }

    private static void content(ByteArrayOutputStream bytes, AuditEvent event) {
        field(bytes, Long.toString(epochMicros(event.occurredAt())));
        field(bytes, event.type().name());
        field(bytes, event.outcome().name().toLowerCase(Locale.ROOT));
        field(bytes, event.clientId());
        field(bytes, event.userId() == null ? null : event.userId().toString());
        field(bytes, event.username());
        field(bytes, event.remoteAddress());
        field(bytes, event.detail());
        field(bytes, event.loginId());
    }

    private byte[] mac(byte[] bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }

    /** Compared in constant time: a MAC check must not tell how much of a guess was right. */
    private static boolean sameText(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.getBytes(StandardCharsets.US_ASCII));
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
