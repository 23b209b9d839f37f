package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.authorize;
import static dev.echoid.identity.it.Flows.echoClient;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static dev.echoid.identity.it.PostgresExtension.ADMIN_TOKEN;
import static dev.echoid.identity.it.PostgresExtension.CLIENT_ID;
import static dev.echoid.identity.it.PostgresExtension.DEMO_PASSWORD;
import static dev.echoid.identity.it.PostgresExtension.DEMO_USER;
import static dev.echoid.identity.it.PostgresExtension.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.identity.audit.AuditCommand;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.testkit.Browser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit trail of one login over real HTTP: every event of a sign-in carries its login id, the admin endpoint
 * and the command list them in order, and the hash chain finds a row altered or deleted in the database (with the
 * append-only trigger disabled, as a superuser could).
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AuditTrailIT {

    private static final String ADMIN = "Bearer " + ADMIN_TOKEN;
    private static final String DISABLE_TRIGGER = "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only";
    private static final String ENABLE_TRIGGER = "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @Test
    void auditWhenSignInRefreshAndLogoutThenOneLoginIdInOrderAndAlteredOrDeletedRowDetected() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> toLogin = browser.get(authorize(Map.of()));
        URI loginPage = Browser.location(toLogin);
        HttpResponse<String> page = browser.get(loginPage);
        HttpResponse<String> wrong = browser.submit(page, "login", Map.of(
                "login:username", DEMO_USER, "login:password", "not the password"), "login:submit");
        assertThat(wrong.statusCode()).as("a wrong password shows the page again").isEqualTo(200);
        HttpResponse<String> back = browser.submit(wrong, "login", Map.of(
                "login:username", DEMO_USER, "login:password", DEMO_PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
        URI callback = Browser.location(back);
        JsonNode tokens = redeem(Browser.query(callback).get("code"));
        String loginId = JWT.decode(tokens.get("id_token").asText()).getClaim("login_id").asString();
        assertThat(loginId).as("the ID token names the login").hasSize(22).matches("[A-Za-z0-9_-]+");
        // the front channel never carries it
        assertThat(loginPage.toString()).doesNotContain(loginId);
        assertThat(callback.toString()).doesNotContain(loginId);

        // single sign-on: a second sign-in without the password is a new login, linked to the first
        HttpResponse<String> sso = browser.get(authorize(Map.of("state", "st-2")));
        JsonNode ssoTokens = redeem(Browser.query(Browser.location(sso)).get("code"));
        String ssoLoginId = JWT.decode(ssoTokens.get("id_token").asText()).getClaim("login_id").asString();
        assertThat(ssoLoginId).isNotNull().isNotEqualTo(loginId);

        HttpResponse<String> refreshed = post("token", echoClient(), Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText()));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(JWT.decode(json(refreshed).get("id_token").asText()).getClaim("login_id").asString())
                .as("a refreshed ID token names the same login").isEqualTo(loginId);
        HttpResponse<String> out = browser.get(URI.create(Flows.endpoint("logout") + "?"
                + Browser.formEncode(Map.of("id_token_hint", tokens.get("id_token").asText()))));
        assertThat(out.statusCode()).isEqualTo(200);

        JsonNode trail = admin("admin/audit?login=" + loginId);
        assertThat(types(trail)).containsExactly("AUTHORIZATION_REQUESTED", "LOGIN_FAILED", "LOGIN_SUCCEEDED",
                "CODE_ISSUED", "CODE_REDEEMED", "TOKEN_REFRESHED", "LOGOUT");
        List<Long> ids = new ArrayList<>();
        for (JsonNode event : trail.get("events")) {
            assertThat(event.get("login_id").asText()).isEqualTo(loginId);
            ids.add(event.get("id").asLong());
        }
        assertThat(ids).isSorted();
        assertThat(trail.get("events").get(1).get("detail").asText()).isEqualTo("wrong password");
        assertThat(trail.get("events").get(1).get("outcome").asText()).isEqualTo("failure");

        JsonNode ssoTrail = admin("admin/audit?login=" + ssoLoginId);
        assertThat(types(ssoTrail)).containsExactly("AUTHORIZATION_REQUESTED", "CODE_ISSUED", "CODE_REDEEMED",
                "LOGOUT");
        assertThat(ssoTrail.get("events").get(1).get("detail").asText()).contains(loginId);

        assertThat(admin("admin/audit/verify").get("status").asText()).isEqualTo("ok");
        assertThat(command("verify")).isEqualTo(AuditCommand.OK);
        assertThat(everyRowKeyedAndNotRecomputableInSql())
                .as("every row is keyed: V4's unkeyed audit_event_hash reproduces none of them").isTrue();

        // a superuser edits a row with the trigger disabled: verify names that row
        long succeeded = ids.get(2);
        try (Connection db = PostgresExtension.dataSource().getConnection(); Statement sql = db.createStatement()) {
            sql.execute(DISABLE_TRIGGER);
            try {
                assertThat(sql.executeUpdate("UPDATE audit_event SET remote_address = '203.0.113.9' WHERE id = "
                        + succeeded)).isEqualTo(1);
                JsonNode altered = admin("admin/audit/verify");
                assertThat(altered.get("status").asText()).isEqualTo("broken");
                assertThat(altered.get("broken_row_id").asLong()).isEqualTo(succeeded);
                assertThat(altered.get("problem").asText()).contains("altered");
                ByteArrayOutputStream printed = new ByteArrayOutputStream();
                assertThat(command(printed, "verify")).isEqualTo(AuditCommand.BROKEN);
                assertThat(printed.toString(StandardCharsets.UTF_8)).contains("BROKEN at row " + succeeded);

                sql.executeUpdate("UPDATE audit_event SET remote_address = "
                        + "(SELECT remote_address FROM audit_event WHERE id = " + ids.get(0) + ") WHERE id = "
                        + succeeded);
                assertThat(admin("admin/audit/verify").get("status").asText()).as("restored").isEqualTo("ok");

                // a deleted row: the chain breaks at the row after it
                long issued = ids.get(3);
                long next = nextId(db, issued);
                Map<String, Object> saved = row(db, issued);
                assertThat(sql.executeUpdate("DELETE FROM audit_event WHERE id = " + issued)).isEqualTo(1);
                JsonNode deleted = admin("admin/audit/verify");
                assertThat(deleted.get("status").asText()).isEqualTo("broken");
                assertThat(deleted.get("broken_row_id").asLong()).isEqualTo(next);
                assertThat(deleted.get("problem").asText()).contains("deleted");
                assertThat(command("verify")).isEqualTo(AuditCommand.BROKEN);
                reinsert(db, saved);
                assertThat(admin("admin/audit/verify").get("status").asText()).as("re-inserted").isEqualTo("ok");
            } finally {
                sql.execute(ENABLE_TRIGGER);
            }
        }
        assertThat(command("verify")).isEqualTo(AuditCommand.OK);
    }

    @Test
    void attackerWhoRechainsEditedRowWithoutKeyIsDetectedByTheEndpointAndTheCommand() throws Exception {
        Flows.signIn(Map.of());
        // the sign-in's rows linked first (the chainer links after commit): the restore below puts back a linked chain
        assertThat(admin("admin/audit/verify").get("status").asText()).as("before").isEqualTo("ok");
        try (Connection db = PostgresExtension.dataSource().getConnection(); Statement sql = db.createStatement()) {
            long edited;
            try (ResultSet last = sql.executeQuery("SELECT max(id) - 1 FROM audit_event")) {
                last.next();
                edited = last.getLong(1);
            }
            List<String> restore = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("SELECT id, detail, prev_hash, row_hash FROM audit_event "
                    + "WHERE id >= " + edited + " ORDER BY id")) {
                while (rows.next()) {
                    restore.add("UPDATE audit_event SET detail = " + (rows.getString(2) == null ? "NULL"
                            : "'" + rows.getString(2).replace("'", "''") + "'") + ", prev_hash = '" + rows.getString(3)
                            + "', row_hash = '" + rows.getString(4) + "' WHERE id = " + rows.getLong(1));
                }
            }
            try (ResultSet head = sql.executeQuery("SELECT last_id, last_hash, head_mac FROM audit_chain_head")) {
                head.next();
                restore.add("UPDATE audit_chain_head SET last_id = " + head.getLong(1) + ", last_hash = '"
                        + head.getString(2) + "', head_mac = '" + head.getString(3) + "'");
            }
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            try {
                // edit a row, then hash it and every later row again with V4's function, and move the head
                sql.execute("UPDATE audit_event SET detail = 'nothing happened' WHERE id = " + edited);
                sql.execute("""
                        DO $$
                        DECLARE
                            r    audit_event%%ROWTYPE;
                            prev text := (SELECT row_hash FROM audit_event WHERE id < %d ORDER BY id DESC LIMIT 1);
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
                        $$""".formatted(edited, edited));
                JsonNode rechained = admin("admin/audit/verify");
                assertThat(rechained.get("status").asText()).isEqualTo("broken");
                assertThat(rechained.get("broken_row_id").asLong()).isEqualTo(edited);
                assertThat(rechained.get("problem").asText()).contains("row " + edited + " was altered");
                assertThat(command("verify")).isEqualTo(AuditCommand.BROKEN);
            } finally {
                for (String statement : restore) {
                    sql.execute(statement);
                }
                sql.execute(ENABLE_TRIGGER);
            }
        }
        assertThat(admin("admin/audit/verify").get("status").asText()).as("restored").isEqualTo("ok");
    }

    @Test
    void auditEventWhenUpdatedOrDeletedWithTriggerEnabledThenRefused() throws Exception {
        try (Connection db = PostgresExtension.dataSource().getConnection(); Statement sql = db.createStatement()) {
            new JdbcAuditLog(PostgresExtension.dataSource(),
                Optional.of(PostgresExtension.AUDIT_KEY)).record(AuditEvent.success(
                    AuditEvent.Type.TOKEN_REVOKED, CLIENT_ID, null, null, "127.0.0.1", "trigger test"));
            assertThatThrownBy(() -> sql.executeUpdate("UPDATE audit_event SET detail = 'x'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> sql.executeUpdate("DELETE FROM audit_event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> sql.executeUpdate("TRUNCATE audit_event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
        assertThat(admin("admin/audit/verify").get("status").asText()).isEqualTo("ok");
    }

    @Test
    void auditWhenManyInsertsAtOnceThenOneUnbrokenChain() throws Exception {
        JdbcAuditLog log = new JdbcAuditLog(PostgresExtension.dataSource(),
                Optional.of(PostgresExtension.AUDIT_KEY));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> inserts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String detail = "concurrent " + i;
                inserts.add(pool.submit(() -> log.record(AuditEvent.failure(AuditEvent.Type.TOKEN_REQUEST_FAILED,
                        CLIENT_ID, null, null, "127.0.0.1", detail).withLoginId("concurrency-test"))));
            }
            for (Future<?> insert : inserts) {
                insert.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(admin("admin/audit?login=concurrency-test").get("events")).hasSize(40);
        assertThat(admin("admin/audit/verify").get("status").asText()).isEqualTo("ok");
    }

    @Test
    void auditQueriesWhenByUserOrClientInRangeThenTheirEventsOnly() {
        Instant before = Instant.now().minusSeconds(1);
        Flows.signIn(Map.of());
        JsonNode byUser = admin("admin/audit?user=" + DEMO_USER + "&from=" + before);
        assertThat(types(byUser)).contains("LOGIN_SUCCEEDED", "CODE_ISSUED");
        byUser.get("events").forEach(event -> assertThat(Instant.parse(event.get("occurred_at").asText()))
                .isAfterOrEqualTo(before));
        assertThat(types(admin("admin/audit?user=" + DEMO_USER + "&to=" + before.minusSeconds(86_400))))
                .isEmpty();
        JsonNode byClient = admin("admin/audit?client=" + CLIENT_ID + "&from=" + before);
        byClient.get("events").forEach(event -> assertThat(event.get("client_id").asText()).isEqualTo(CLIENT_ID));
        assertThat(types(byClient)).contains("AUTHORIZATION_REQUESTED", "CODE_ISSUED");
    }

    @Test
    void auditEndpointWhenNoTokenOrBadQueryThenRefused() {
        HttpResponse<String> anonymous = new Browser().get(Flows.endpoint("admin/audit?login=x"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"identity-admin\"");
        assertThat(new Browser().get(Flows.endpoint("admin/audit/verify"), "Authorization", "Bearer wrong")
                .statusCode()).isEqualTo(401);
        for (String query : List.of("", "?login=a&user=b", "?user=ada&from=yesterday",
                "?login=a&from=2025-01-01T00:00:00Z")) {
            HttpResponse<String> bad = new Browser().get(Flows.endpoint("admin/audit" + query), "Authorization",
                    ADMIN);
            Flows.assertOAuthError(bad, 400, "invalid_request");
        }
    }

    @Test
    void commandWhenUsageWrongThenTwoAndWhenLoginThenItsEvents() {
        assertThat(command("bogus")).isEqualTo(AuditCommand.USAGE);
        assertThat(command()).isEqualTo(AuditCommand.USAGE);
        assertThat(command("user")).isEqualTo(AuditCommand.USAGE);
        assertThat(command("client", "echo", "--from")).isEqualTo(AuditCommand.USAGE);
        assertThat(command("verify", "extra")).isEqualTo(AuditCommand.USAGE);
        assertThat(command("--help")).isEqualTo(AuditCommand.OK);

        JsonNode tokens = Flows.signInAndRedeem(Map.of());
        String loginId = JWT.decode(tokens.get("id_token").asText()).getClaim("login_id").asString();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(command(printed, "login", loginId)).isEqualTo(AuditCommand.OK);
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).containsSubsequence("AUTHORIZATION_REQUESTED", "LOGIN_SUCCEEDED", "CODE_ISSUED",
                "CODE_REDEEMED").contains("4 events");
        ByteArrayOutputStream asJson = new ByteArrayOutputStream();
        assertThat(command(asJson, "user", DEMO_USER, "--from", "2020-01-01T00:00:00Z", "--json"))
                .isEqualTo(AuditCommand.OK);
        assertThat(asJson.toString(StandardCharsets.UTF_8)).contains("\"user\" : \"" + DEMO_USER + "\"");
    }

    // --- helpers ---

    private static JsonNode redeem(String code) {
        HttpResponse<String> response = post("token", echoClient(), Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", REDIRECT_URI));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode admin(String path) {
        HttpResponse<String> response = new Browser().get(Flows.endpoint(path), "Authorization", ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        return json(response);
    }

    private static List<String> types(JsonNode trail) {
        List<String> types = new ArrayList<>();
        trail.get("events").forEach(event -> types.add(event.get("type").asText()));
        return types;
    }

    private static int command(String... args) {
        return command(new ByteArrayOutputStream(), args);
    }

    private static int command(ByteArrayOutputStream out, String... args) {
        SettingsSource database = name -> Optional.ofNullable(System.getProperty(name));
        return AuditCommand.run(args, database, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static boolean everyRowKeyedAndNotRecomputableInSql() throws SQLException {
        try (Connection db = PostgresExtension.dataSource().getConnection(); Statement sql = db.createStatement();
                ResultSet result = sql.executeQuery("SELECT count(*) FILTER (WHERE row_hash = "
                        + "audit_event_hash(prev_hash, id, occurred_at, event_type, outcome, client_id, user_id, "
                        + "username, remote_address, detail, login_id)) = 0 AND count(*) > 0 "
                        + "AND bool_and(chain_version = 2) FROM audit_event")) {
            result.next();
            return result.getBoolean(1);
        }
    }

    private static long nextId(Connection db, long id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT min(id) FROM audit_event WHERE id > ?")) {
            s.setLong(1, id);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static Map<String, Object> row(Connection db, long id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM audit_event WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                Map<String, Object> values = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    values.put(row.getMetaData().getColumnName(i), row.getObject(i));
                }
                return values;
            }
        }
    }

    private static void reinsert(Connection db, Map<String, Object> values) throws SQLException {
        String columns = String.join(", ", values.keySet());
        String marks = String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
        try (PreparedStatement s = db.prepareStatement("INSERT INTO audit_event (" + columns + ") VALUES ("
                + marks + ")")) {
            int i = 1;
            for (Object value : values.values()) {
                s.setObject(i++, value);
            }
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }
}
