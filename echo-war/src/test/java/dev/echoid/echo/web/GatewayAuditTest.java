package dev.echoid.echo.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.echo.oidc.VerifiedIdentity;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayAuditTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("dev.echoid.echo.audit");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void callbackWhenTokenValidatedThenLineLinksStateHashToLoginIdAndNeverTheState() {
        GatewayAudit.redirectSent("state-secret-1");
        GatewayAudit.stateChecked(true, "state-secret-1", null);
        GatewayAudit.tokenValidated(new VerifiedIdentity("user-42", "https://op.example", null, null, null,
                NOW.plusSeconds(300), NOW, "sid-1", "L0gin-Id_1"), "state-secret-1");

        String hash = GatewayAudit.stateHash("state-secret-1");
        assertThat(lines).containsExactly(
                "gateway-audit event=authorization_redirect outcome=success login_id=- state_hash=" + hash
                        + " sub=- detail=-",
                "gateway-audit event=state_check outcome=success login_id=- state_hash=" + hash + " sub=- detail=-",
                "gateway-audit event=token_validated outcome=success login_id=L0gin-Id_1 state_hash=" + hash
                        + " sub=user-42 detail=-");
        assertThat(String.join("\n", lines)).doesNotContain("state-secret-1");
    }

    @Test
    void logoutWhenSessionIdTokenCarriesLoginIdThenLineHasIt() {
        String idToken = JWT.create().withSubject("user-42").withClaim("login_id", "abc").sign(Algorithm.none());
        GatewayAudit.loggedOut(idToken);
        GatewayAudit.refreshFailed("not a jwt", "refused\nforged line");
        assertThat(lines).containsExactly(
                "gateway-audit event=logout outcome=success login_id=abc state_hash=- sub=- detail=-",
                "gateway-audit event=token_refreshed outcome=failure login_id=- state_hash=- sub=- "
                        + "detail=refused?forged?line");
    }

    @Test
    void gatewayAuditWhenJsonThenOneObjectWithTheStateHashNotTheState() throws Exception {
        String json = GatewayAudit.jsonLine(false, "state_check", null, "the-state", null, "bad \"state\"\n");
        assertThat(json).doesNotContain("\n").doesNotContain("the-state");
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.get("log").asText()).isEqualTo("gateway-audit");
        assertThat(node.get("outcome").asText()).isEqualTo("failure");
        assertThat(node.get("state_hash").asText()).isEqualTo(GatewayAudit.stateHash("the-state"));
        assertThat(node.get("detail").asText()).isEqualTo("bad \"state\"\n");
    }
}
