package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.identity.audit.AuditCommand;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditChain;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditTrail.Status;
import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.JdbcAuditLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Someone who can write the database (the owner: the append-only trigger switched off) but does not know
 * {@code IDENTITY_AUDIT_KEY} edits or deletes audit rows and then re-chains every later row, with the unkeyed SQL
 * function of V4 or with a key of their own. Verify finds it at the row they touched.
 */
@ExtendWith(PostgresExtension.class)
class KeyedAuditChainIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] auditKey = RandomTokens.bytes(32);

    @Test
    void attackerWhoRechainsEditedRowWithoutKeyIsDetected() throws Exception {
        DataSource database = FreshDatabase.migrated("audit_rechain");
        JdbcAuditLog log = log(database);
        writeFive(log);
        assertThat(log.verify().intact()).isTrue();

        asOwner(database, "UPDATE audit_event SET detail = 'nothing happened' WHERE id = 3",
                rechainFrom(3));

        Verification edited = log.verify();
        assertThat(edited.intact()).as("re-chained with V4's unkeyed function").isFalse();
        assertThat(edited.brokenRowId()).isEqualTo(3L);
        assertThat(edited.problem()).contains("row 3");
        assertThat(edited.lastId()).as("intact up to the row before").isEqualTo(2L);

        // the same with a key of their own, marked as keyed rows
        asOwner(database, rechainWith(database, AuditChain.keyed(RandomTokens.bytes(32)), 3));
        Verification guessed = log.verify();
        assertThat(guessed.status()).isEqualTo(Status.BROKEN);
        assertThat(guessed.brokenRowId()).isEqualTo(3L);
        assertThat(guessed.problem()).contains("row 3 was altered");
    }

    @Test
    void attackerWhoDeletesTheLastRowsAndMovesTheHeadBackIsDetected() throws Exception {
        DataSource database = FreshDatabase.migrated("audit_tail");
        JdbcAuditLog log = log(database);
        writeFive(log);

        asOwner(database, "DELETE FROM audit_event WHERE id >= 4", "UPDATE audit_chain_head SET last_id = 3, "
                + "last_hash = (SELECT row_hash FROM audit_event WHERE id = 3)");

        Verification truncated = log.verify();
        assertThat(truncated.status()).isEqualTo(Status.BROKEN);
        assertThat(truncated.problem()).contains("chain head was altered").contains("after row 3");
    }

    @Test
    void verifyWithWrongKeySaysSo() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_wrong_key");
        writeFive(log(database));
        Map<String, String> settings = new HashMap<>(FreshDatabase.settings(database));
        settings.put("IDENTITY_AUDIT_KEY", Base64.getEncoder().encodeToString(RandomTokens.bytes(32)));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(command(settings, out, "verify", "--json")).isEqualTo(AuditCommand.FAILED);
        JsonNode json = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.get("status").asText()).isEqualTo("unverified");
        assertThat(json.get("problem").asText()).startsWith("the audit key does not match the chain");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        assertThat(command(settings, text, "verify")).isEqualTo(AuditCommand.FAILED);
        assertThat(text.toString(StandardCharsets.UTF_8)).startsWith("UNVERIFIED: the audit key does not match");

        // a node given another key does not start extending the chain with rows no one could verify
        JdbcAuditLog otherKey = new JdbcAuditLog(database, Optional.of(RandomTokens.bytes(32)));
        assertThatThrownBy(otherKey::prepare).hasMessageContaining("IDENTITY_AUDIT_KEY does not match the audit chain");

        settings.put("IDENTITY_AUDIT_KEY", Base64.getEncoder().encodeToString(auditKey));
        assertThat(command(settings, new ByteArrayOutputStream(), "verify")).as("the right key")
                .isEqualTo(AuditCommand.OK);
        log(database).prepare();
    }

    @Test
    void verifyWithoutKeySaysSo() throws Exception {
        PGSimpleDataSource database = FreshDatabase.migrated("audit_no_key");
        writeFive(log(database));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(command(FreshDatabase.settings(database), out, "verify", "--json")).isEqualTo(AuditCommand.FAILED);
        JsonNode json = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.get("status").asText()).isEqualTo("unverified");
        assertThat(json.get("problem").asText()).isEqualTo("cannot verify: IDENTITY_AUDIT_KEY not set");
        // and nothing is written to a keyed chain without the key
        JdbcAuditLog keyless = new JdbcAuditLog(database);
        assertThatThrownBy(() -> keyless.record(AuditEvent.success(AuditEvent.Type.LOGOUT, "echo", null, null,
                null, "without the key"))).hasMessageContaining("set IDENTITY_AUDIT_KEY");
        assertThatThrownBy(keyless::prepare).hasMessageContaining("set IDENTITY_AUDIT_KEY");
        assertThat(log(database).verify().rowsChecked()).isEqualTo(5);
    }

    @Test
    void unkeyedTrailWrittenBeforeTheKeyIsRechainedOnceAndAForgedOneIsNot() throws Exception {
        DataSource database = FreshDatabase.migrated("audit_upgrade");
        writeFive(new JdbcAuditLog(database));
        JdbcAuditLog keyed = log(database);
        keyed.prepare();
        Verification upgraded = keyed.verify();
        assertThat(upgraded.intact()).as(upgraded.problem()).isTrue();
        assertThat(upgraded.rowsChecked()).as("five rows and AUDIT_CHAIN_KEYED").isEqualTo(6);

        // written unkeyed, then edited without re-chaining: the provider does not seal that as sound
        DataSource forged = FreshDatabase.migrated("audit_upgrade_forged");
        writeFive(new JdbcAuditLog(forged));
        asOwner(forged, "UPDATE audit_event SET detail = 'nothing happened' WHERE id = 2");
        JdbcAuditLog keyedForged = log(forged);
        keyedForged.prepare();
        Verification refused = keyedForged.verify();
        assertThat(refused.status()).isEqualTo(Status.BROKEN);
        assertThat(refused.brokenRowId()).isEqualTo(1L);
        assertThat(refused.problem()).contains("not keyed");
    }

    @Test
    void attackerWhoDeletesAndRechainsIsDetected() throws Exception {
        DataSource database = FreshDatabase.migrated("audit_delete");
        JdbcAuditLog log = log(database);
        writeFive(log);

        asOwner(database, "DELETE FROM audit_event WHERE id = 3", rechainFrom(4));

        Verification deleted = log.verify();
        assertThat(deleted.intact()).isFalse();
        assertThat(deleted.brokenRowId()).isEqualTo(4L);
    }

    private JdbcAuditLog log(DataSource database) {
        return new JdbcAuditLog(database, Optional.of(auditKey));
    }

    private static int command(Map<String, String> settings, ByteArrayOutputStream out, String... args) {
        return AuditCommand.run(args, SettingsSource.of(settings), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** The attacker's re-chaining in Java, with a chain (a key) of their own: the statements to run. */
    private static String[] rechainWith(DataSource database, AuditChain guess, long from) throws SQLException {
        java.util.List<String> statements = new java.util.ArrayList<>();
        try (Connection connection = database.getConnection(); PreparedStatement s = connection.prepareStatement(
                "SELECT id, occurred_at, event_type, outcome, client_id, user_id, username, remote_address, "
                        + "detail, login_id, prev_hash FROM audit_event WHERE id >= ? ORDER BY id")) {
            s.setLong(1, from);
            try (ResultSet rows = s.executeQuery()) {
                String prev = null;
                long last = from;
                while (rows.next()) {
                    prev = prev == null ? rows.getString("prev_hash") : prev;
                    AuditEvent event = new AuditEvent(rows.getTimestamp("occurred_at").toInstant(),
                            AuditEvent.Type.valueOf(rows.getString("event_type")),
                            AuditEvent.Outcome.valueOf(rows.getString("outcome").toUpperCase(java.util.Locale.ROOT)),
                            rows.getString("client_id"), rows.getObject("user_id", UUID.class),
                            rows.getString("username"), rows.getString("remote_address"), rows.getString("detail"),
                            rows.getString("login_id"));
                    last = rows.getLong("id");
                    String hash = guess.rowHash(prev, last, event);
                    statements.add("UPDATE audit_event SET prev_hash = '" + prev + "', row_hash = '" + hash
                            + "', chain_version = 2 WHERE id = " + last);
                    prev = hash;
                }
                statements.add("UPDATE audit_chain_head SET last_id = " + last + ", last_hash = '" + prev + "'");
            }
        }
        return statements.toArray(String[]::new);
    }

    private static void writeFive(JdbcAuditLog log) {
        for (int i = 1; i <= 5; i++) {
            log.record(AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, "echo", null, "ada", "203.0.113.7",
                    "wrong password " + i));
        }
        log.chainer().chainPending(); // inserted unchained: chained here, as a running provider's chainer would
    }

    /** What the attacker runs: every row from {@code id} on hashed again, unkeyed, and the head moved to the end. */
    private static String rechainFrom(long id) {
        return """
                DO $$
                DECLARE
                    r    audit_event%%ROWTYPE;
                    prev text := coalesce((SELECT row_hash FROM audit_event WHERE id < %d ORDER BY id DESC LIMIT 1),
                                          repeat('0', 64));
                BEGIN
                    FOR r IN SELECT * FROM audit_event WHERE id >= %d ORDER BY id LOOP
                        UPDATE audit_event SET prev_hash = prev,
                               row_hash = audit_event_hash(prev, r.id, r.occurred_at, r.event_type, r.outcome,
                                   r.client_id, r.user_id, r.username, r.remote_address, r.detail, r.login_id)
                         WHERE id = r.id
                        RETURNING row_hash INTO prev;
                    END LOOP;
                    UPDATE audit_chain_head SET last_id = (SELECT max(id) FROM audit_event), last_hash = prev;
                END
                $$""".formatted(id, id);
    }

    private static void asOwner(DataSource database, String... statements) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            try {
                for (String statement : statements) {
                    sql.execute(statement);
                }
            } finally {
                sql.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
            }
        }
    }
}
