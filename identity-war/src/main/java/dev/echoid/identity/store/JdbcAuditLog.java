package dev.echoid.identity.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echoid.plumbing.LogFormat;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Audit events in the {@code audit_event} table, chained by HMAC under {@code IDENTITY_AUDIT_KEY} ({@link AuditChain};
 * unkeyed SHA-256 without the key, dev mode only), and one log line each (logger {@code dev.echoid.audit}). An event
 * is inserted unchained, with one statement and no lock, in the transaction of the action it records when there is
 * one; the {@link AuditChainer} links committed rows into one chain afterwards, one chainer at a time across nodes.
 */
public final class JdbcAuditLog implements AuditLog, AuditTrail {

    private static final Logger LOG = System.getLogger("dev.echoid.audit");
    static final String COLUMNS = "id, occurred_at, event_type, outcome, client_id, user_id, username, "
            + "remote_address, detail, login_id, prev_hash, row_hash, chain_version";
    private static final String HEAD_COLUMNS = "last_id, last_hash, chain_version, head_mac";
    private static final String LOCK_HEAD = "SELECT " + HEAD_COLUMNS + " FROM audit_chain_head FOR UPDATE";
    // unchained (no hashes) and unlocked; id and xact_id from their defaults. Without the key, refused (no row) when
    // the chain is keyed, in the same statement: nothing is written to a keyed chain without the key
    private static final String INSERT = "INSERT INTO audit_event (occurred_at, event_type, outcome, client_id, "
            + "user_id, username, remote_address, detail, login_id, chain_version, insert_mac) "
            + "SELECT ?::timestamptz, ?, ?, ?, ?::uuid, ?, ?, ?, ?, ?::smallint, ? "
            + "WHERE ?::boolean OR (SELECT chain_version FROM audit_chain_head) = " + AuditChain.UNKEYED;
    private static final String HEAD_VERSION = "SELECT chain_version FROM audit_chain_head";
    private static final String MOVE_HEAD = "UPDATE audit_chain_head SET last_id = ?, last_hash = ?, "
            + "chain_version = ?, head_mac = ?";
    private static final String HEAD = "SELECT " + HEAD_COLUMNS + " FROM audit_chain_head";
    // the one update the append-only trigger allows: an unkeyed row re-chained with the key, its content unchanged
    private static final String RECHAIN = "UPDATE audit_event SET prev_hash = ?, row_hash = ?, chain_version = ? "
            + "WHERE id = ? AND chain_version = " + AuditChain.UNKEYED;
    // the chain order: rows chained before V12 (no xact_id) by id, then as the chainer linked them
    private static final String CHAINED = "SELECT " + COLUMNS + " FROM audit_event WHERE row_hash IS NOT NULL "
            + "ORDER BY xact_id NULLS FIRST, id";
    private static final String UNCHAINED = "SELECT " + COLUMNS + ", insert_mac, "
            + "occurred_at < now() - make_interval(secs => ?) AS overdue FROM audit_event WHERE row_hash IS NULL "
            + "ORDER BY xact_id, id";
    private static final String ONE = "SELECT " + COLUMNS + " FROM audit_event WHERE id = ?";
    private static final String RECENT = "SELECT " + COLUMNS + " FROM audit_event ORDER BY id DESC LIMIT ?";
    private static final String BY_LOGIN = "SELECT " + COLUMNS + " FROM audit_event WHERE login_id = ? ORDER BY id";
    private static final String RANGE = " AND occurred_at >= coalesce(?, '-infinity'::timestamptz)"
            + " AND occurred_at < coalesce(?, 'infinity'::timestamptz) ORDER BY id";
    // by id, or by name: the account's events (most name only its id) and attempts that typed that name
    private static final String BY_USER = "SELECT " + COLUMNS + " FROM audit_event WHERE (user_id = ?"
            + " OR user_id IN (SELECT id FROM app_user WHERE lower(username) = lower(?))"
            + " OR lower(username) = lower(?))" + RANGE;
    private static final String BY_CLIENT = "SELECT " + COLUMNS + " FROM audit_event WHERE client_id = ?" + RANGE;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger STARTUP = System.getLogger(JdbcAuditLog.class.getName());
    private static final String NO_KEY = "IDENTITY_AUDIT_KEY not set";

    /** How long a committed row may wait to be chained before verify reports it. */
    public static final Duration DEFAULT_CHAIN_BOUND = Duration.ofSeconds(60);

    /** The chain head: the last row, and how the head is protected. */
    record Head(Long lastId, String lastHash, int chainVersion, String headMac) {
    }

    private final Jdbc sql;
    private final LogFormat logFormat;
    private final AuditChain chain;
    private final AuditChainer chainer;
    private final Duration chainBound;
    private final Clock clock;

    /** Unkeyed: dev mode without {@code IDENTITY_AUDIT_KEY}, and tests. */
    public JdbcAuditLog(DataSource dataSource) {
        this(dataSource, Optional.empty(), LogFormat.TEXT);
    }

    /** @param auditKey {@code IDENTITY_AUDIT_KEY} (required outside dev mode) */
    public JdbcAuditLog(DataSource dataSource, Optional<byte[]> auditKey) {
        this(dataSource, auditKey, LogFormat.TEXT);
    }

    public JdbcAuditLog(DataSource dataSource, Optional<byte[]> auditKey, LogFormat logFormat) {
        this(dataSource, auditKey, logFormat, DEFAULT_CHAIN_BOUND);
    }

    /** The system clock stamps the events: the admin CLI, and tests that do not set the time. */
    public JdbcAuditLog(DataSource dataSource, Optional<byte[]> auditKey, LogFormat logFormat, Duration chainBound) {
        this(dataSource, auditKey, logFormat, chainBound, Clock.systemUTC());
    }

    /**
     * @param chainBound how long a committed row may stay unchained before verify reports it
     * @param clock      stamps each event recorded without a time (the provider's clock)
     */
    public JdbcAuditLog(DataSource dataSource, Optional<byte[]> auditKey, LogFormat logFormat, Duration chainBound,
            Clock clock) {
        this.sql = new Jdbc(dataSource);
        this.logFormat = logFormat;
        this.chain = AuditChain.of(auditKey);
        this.chainer = new AuditChainer(this, sql, chain);
        this.chainBound = chainBound;
        this.clock = clock;
    }

    /** The chainer of this log: {@link AuditChainer#start} it in a running provider; tests call it directly. */
    public AuditChainer chainer() {
        return chainer;
    }

    /**
     * At start-up: with the key, re-chains the rows written before it (once, after checking their unkeyed chain is
     * intact) and records that, or checks that a keyed chain is keyed with it; without it, refuses a keyed chain.
     *
     * @throws IllegalStateException without the key when the chain is keyed, or with a key that is not the chain's
     */
    public void prepare() {
        if (chain.isKeyed() && sql.queryOne(HEAD_VERSION, s -> { }, row -> row.getInt(1))
                .orElse(AuditChain.KEYED) == AuditChain.UNKEYED) {
            // rows written without the key and not chained yet join the unkeyed chain first, then all are re-chained
            new AuditChainer(this, sql, AuditChain.unkeyed()).chainPending();
        }
        Optional<String> rechained = sql.transaction(Connection.TRANSACTION_READ_COMMITTED, connection -> {
            Head head = lockHead(connection);
            if (!chain.isKeyed()) {
                if (head.chainVersion() == AuditChain.KEYED) {
                    throw keyedChainWithoutKey();
                }
                return Optional.<String>empty();
            }
            if (head.chainVersion() == AuditChain.UNKEYED) {
                return rechain(connection, head);
            }
            requireMatchingKey(connection, head);
            return Optional.<String>empty();
        });
        rechained.ifPresent(detail -> record(AuditEvent.success(AuditEvent.Type.AUDIT_CHAIN_KEYED, null, null, null,
                null, detail)));
    }

    @Override
    public void record(AuditEvent event) {
        insert(null, event);
        logLine(event);
        chainer.trigger();
    }

    /**
     * Inserts the event in {@code tx}, so that it commits with the action it records, or not at all; its log line is
     * written and the chainer asked to run once it has committed.
     */
    @Override
    public void record(Transaction tx, AuditEvent event) {
        if (tx == null) {
            record(event);
            return;
        }
        insert(tx, event);
        tx.afterCommit(() -> {
            logLine(event);
            chainer.trigger();
        });
    }

    private void insert(Transaction tx, AuditEvent event) {
        // an event occurs as it is recorded, by the provider's clock (one built with a time keeps it: back-fills)
        Instant occurredAt = event.occurredAt() != null ? event.occurredAt() : clock.instant();
        AuditEvent stored = new AuditEvent(AuditChain.storable(occurredAt), event.type(), event.outcome(),
                event.clientId(), event.userId(), event.username(), event.remoteAddress(), event.detail(),
                event.loginId());
        int inserted = sql.update(tx, INSERT, s -> {
            s.setTimestamp(1, Jdbc.timestamp(stored.occurredAt()));
            s.setString(2, stored.type().name());
            s.setString(3, stored.outcome().name().toLowerCase(Locale.ROOT));
            s.setString(4, stored.clientId());
            s.setObject(5, stored.userId());
            s.setString(6, stored.username());
            s.setString(7, stored.remoteAddress());
            s.setString(8, stored.detail());
            s.setString(9, stored.loginId());
            s.setInt(10, chain.version());
            s.setString(11, chain.insertMac(stored));
            s.setBoolean(12, chain.isKeyed());
        });
        if (inserted != 1) {
            throw keyedChainWithoutKey();
        }
    }

    private void logLine(AuditEvent event) {
        Level level = event.outcome() == AuditEvent.Outcome.SUCCESS ? Level.INFO : Level.WARNING;
        if (logFormat == LogFormat.JSON) {
            LOG.log(level, jsonLine(event));
        } else {
            LOG.log(level,
                    "audit type={0} outcome={1} client={2} user={3} username={4} remote={5} login_id={6} detail={7}",
                    event.type(), event.outcome(), event.clientId(), event.userId(), printable(event.username()),
                    event.remoteAddress(), event.loginId(), printable(event.detail()));
        }
    }

    /**
     * The head, locked, for the chainer: refused without the key when the chain is keyed; a chain still unkeyed is
     * re-chained with the key first (the provider does that at start, in {@link #prepare}).
     */
    Head headForChaining(Connection connection, AuditChain by) throws SQLException {
        Head head = lockHead(connection);
        if (!by.isKeyed() && head.chainVersion() == AuditChain.KEYED) {
            throw keyedChainWithoutKey();
        }
        if (by.isKeyed() && head.chainVersion() == AuditChain.UNKEYED) {
            rechain(connection, head);
            head = lockHead(connection);
        }
        return head;
    }

    private Head lockHead(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(LOCK_HEAD); ResultSet row = s.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the audit chain head row is missing");
            }
            return head(row);
        }
    }

    private void moveHead(Connection connection, Long lastId, String lastHash) throws SQLException {
        moveHead(connection, chain, lastId, lastHash);
    }

    void moveHead(Connection connection, AuditChain by, Long lastId, String lastHash) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(MOVE_HEAD)) {
            s.setObject(1, lastId);
            s.setString(2, lastHash);
            s.setInt(3, by.version());
            s.setString(4, by.isKeyed() ? by.headMac(lastId, lastHash) : null);
            s.executeUpdate();
        }
    }

    /**
     * Re-chains the unkeyed rows with the key, under the locked head, when their unkeyed chain is intact; an unkeyed
     * chain that is already broken is left as it is (verify reports it) rather than sealed as if it were sound.
     *
     * @return what was done, for the audit trail; empty when no row was re-chained
     */
    private Optional<String> rechain(Connection connection, Head head) throws SQLException {
        List<AuditRecord> rows = new ArrayList<>();
        AuditChain.Verifier unkeyed = new AuditChain.Verifier(AuditChain.unkeyed());
        boolean intact = true;
        try (PreparedStatement s = connection.prepareStatement(CHAINED)) {
            s.setFetchSize(500);
            try (ResultSet result = s.executeQuery()) {
                while (intact && result.next()) {
                    AuditRecord record;
                    try {
                        record = map(result);
                    } catch (IllegalArgumentException unknownTypeOrOutcome) {
                        intact = unkeyed.unreadable(result.getLong("id"));
                        continue;
                    }
                    intact = unkeyed.check(record);
                    rows.add(record);
                }
            }
        }
        Verification old = unkeyed.result(head.lastId(), head.lastHash(), head.chainVersion(), null);
        if (!old.intact()) {
            STARTUP.log(Level.ERROR, "The audit rows written without IDENTITY_AUDIT_KEY are not re-chained with it: "
                    + "their unkeyed chain is broken (" + old.problem() + "); verify reports it");
            return Optional.empty();
        }
        String prevHash = AuditChain.GENESIS;
        try (PreparedStatement s = connection.prepareStatement(RECHAIN)) {
            for (AuditRecord row : rows) {
                String rowHash = chain.rowHash(prevHash, row.id(), row.event());
                s.setString(1, prevHash);
                s.setString(2, rowHash);
                s.setInt(3, AuditChain.KEYED);
                s.setLong(4, row.id());
                s.addBatch();
                prevHash = rowHash;
            }
            s.executeBatch();
        }
        moveHead(connection, old.lastId(), prevHash);
        if (rows.isEmpty()) {
            return Optional.empty(); // a new trail: keyed from its first row, nothing to tell
        }
        String detail = rows.size() + " rows written without IDENTITY_AUDIT_KEY verified and re-chained with it, "
                + "up to row " + old.lastId();
        STARTUP.log(Level.INFO, "Audit trail: " + detail);
        return Optional.of(detail);
    }

    /**
     * Refuses a key that is not the chain's, so that a node given the wrong key does not extend the chain with rows
     * no one can verify. A head whose MAC fails while its last row verifies was altered: verify reports it.
     */
    private void requireMatchingKey(Connection connection, Head head) throws SQLException {
        if (chain.headMacMatches(head.lastId(), head.lastHash(), head.headMac())) {
            return;
        }
        boolean lastRowVerifies = false;
        if (head.lastId() != null) {
            try (PreparedStatement s = connection.prepareStatement(ONE)) {
                s.setLong(1, head.lastId());
                try (ResultSet row = s.executeQuery()) {
                    lastRowVerifies = row.next() && chain.hashMatches(map(row));
                } catch (IllegalArgumentException unknownTypeOrOutcome) {
                    lastRowVerifies = false;
                }
            }
        }
        if (!lastRowVerifies) {
            throw new IllegalStateException("IDENTITY_AUDIT_KEY does not match the audit chain (neither its head nor "
                    + "its last row verifies with it): give the key the trail was written with");
        }
        STARTUP.log(Level.ERROR, "The audit chain head was altered (its MAC does not match); verify reports it");
    }

    private static IllegalStateException keyedChainWithoutKey() {
        return new IllegalStateException("The audit chain is keyed: set IDENTITY_AUDIT_KEY to the key it was written "
                + "with to record or verify events");
    }

    @Override
    public List<AuditEvent> recent(int limit) {
        return sql.query(RECENT, s -> s.setInt(1, limit), JdbcAuditLog::map).stream().map(AuditRecord::event)
                .toList();
    }

    @Override
    public Verification verify() {
        if (!chain.isKeyed()) {
            // an unkeyed chain proves nothing against someone who can write the database
            return Verification.unverified("cannot verify: " + NO_KEY);
        }
        try {
            chainer.chainPending(); // what can be chained now is, so that only rows still in flight remain pending
        } catch (StoreException readOnlyOrUnavailable) {
            // a verify by a database user that may only read: what is not chained is reported below
            STARTUP.log(Level.DEBUG, "verify could not chain pending rows first: "
                    + readOnlyOrUnavailable.getMessage());
        }
        // one snapshot: the head and the rows as of the same moment
        return sql.transaction(Connection.TRANSACTION_REPEATABLE_READ, connection -> {
            Head head;
            try (PreparedStatement s = connection.prepareStatement(HEAD); ResultSet row = s.executeQuery()) {
                if (!row.next()) {
                    return new Verification(AuditTrail.Status.BROKEN, 0, null, "the chain head row is missing", null,
                            null);
                }
                head = head(row);
            }
            AuditChain.Verifier verifier = new AuditChain.Verifier(chain);
            try (PreparedStatement s = connection.prepareStatement(CHAINED)) {
                s.setFetchSize(500);
                try (ResultSet rows = s.executeQuery()) {
                    boolean intact = true;
                    while (intact && rows.next()) {
                        AuditRecord record;
                        try {
                            record = map(rows);
                        } catch (IllegalArgumentException unknownTypeOrOutcome) {
                            intact = verifier.unreadable(rows.getLong("id"));
                            continue;
                        }
                        intact = verifier.check(record);
                    }
                }
            }
            Verification chained = verifier.result(head.lastId(), head.lastHash(), head.chainVersion(),
                    head.headMac());
            return chained.intact() ? unchained(connection, chained) : chained;
        });
    }

    /**
     * Completeness: every committed row is chained within the bound. Younger unchained rows are pending (their
     * transaction, or one older than it, was still running when the chainer last ran); an older one, or one whose
     * insert MAC does not match (the chainer never links it), is a problem.
     */
    private Verification unchained(Connection connection, Verification chained) throws SQLException {
        long pending = 0;
        try (PreparedStatement s = connection.prepareStatement(UNCHAINED)) {
            s.setDouble(1, chainBound.toMillis() / 1000.0);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong("id");
                    String problem = null;
                    try {
                        if (!chain.insertMacMatches(map(rows).event(), rows.getString("insert_mac"))) {
                            problem = "row " + id + " was inserted or altered by someone without IDENTITY_AUDIT_KEY"
                                    + " (its insert MAC does not match): it is not chained";
                        }
                    } catch (IllegalArgumentException unknownTypeOrOutcome) {
                        problem = "row " + id + " was altered or inserted: unknown event type or outcome";
                    }
                    if (problem == null && rows.getBoolean("overdue")) {
                        problem = "row " + id + " has waited more than " + chainBound.toSeconds() + " s to be "
                                + "chained: no chainer runs (no node with IDENTITY_AUDIT_KEY is up), or a "
                                + "transaction older than it is still open";
                    }
                    if (problem != null) {
                        return new Verification(AuditTrail.Status.BROKEN, chained.rowsChecked(), id, problem,
                                chained.lastId(), chained.lastHash(), pending);
                    }
                    pending++;
                }
            }
        }
        return chained.withPending(pending);
    }

    @Override
    public List<AuditRecord> byLogin(String loginId) {
        return sql.query(BY_LOGIN, s -> s.setString(1, loginId), JdbcAuditLog::map);
    }

    @Override
    public List<AuditRecord> byUser(String user, Instant from, Instant to) {
        UUID id = uuidOrNull(user);
        return sql.query(BY_USER, s -> {
            s.setObject(1, id);
            s.setString(2, user);
            s.setString(3, user);
            s.setTimestamp(4, Jdbc.timestamp(from));
            s.setTimestamp(5, Jdbc.timestamp(to));
        }, JdbcAuditLog::map);
    }

    @Override
    public List<AuditRecord> byClient(String clientId, Instant from, Instant to) {
        return sql.query(BY_CLIENT, s -> {
            s.setString(1, clientId);
            s.setTimestamp(2, Jdbc.timestamp(from));
            s.setTimestamp(3, Jdbc.timestamp(to));
        }, JdbcAuditLog::map);
    }

    private static UUID uuidOrNull(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }

    /** Keeps attacker-chosen text (a typed user name) from forging log lines. */
    /** The audit line as one JSON object (Jackson escapes quotes and control characters). */
    static String jsonLine(AuditEvent event) {
        ObjectNode line = JSON.createObjectNode();
        line.put("log", "audit");
        line.put("type", event.type().name());
        line.put("outcome", event.outcome().name());
        line.put("client", event.clientId());
        line.put("user", event.userId() == null ? null : event.userId().toString());
        line.put("username", clipped(event.username()));
        line.put("remote", event.remoteAddress());
        line.put("login_id", event.loginId());
        line.put("detail", clipped(event.detail()));
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clipped(String value) {
        return value == null || value.length() <= 200 ? value : value.substring(0, 200) + "...";
    }

    private static String printable(String value) {
        if (value == null) {
            return null;
        }
        String clipped = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return clipped.replaceAll("\\p{Cntrl}", "?");
    }

    static AuditRecord map(ResultSet row) throws SQLException {
        AuditEvent event = new AuditEvent(Jdbc.instant(row, "occurred_at"),
                AuditEvent.Type.valueOf(row.getString("event_type")),
                AuditEvent.Outcome.valueOf(row.getString("outcome").toUpperCase(Locale.ROOT)),
                row.getString("client_id"), row.getObject("user_id", UUID.class), row.getString("username"),
                row.getString("remote_address"), row.getString("detail"), row.getString("login_id"));
        return new AuditRecord(row.getLong("id"), event, row.getString("prev_hash"), row.getString("row_hash"),
                row.getInt("chain_version"));
    }

    private static Head head(ResultSet row) throws SQLException {
        return new Head(row.getObject("last_id", Long.class), row.getString("last_hash"),
                row.getInt("chain_version"), row.getString("head_mac"));
    }
}
