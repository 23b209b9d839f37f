package dev.echoid.identity.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditLogLineTest {

    @Test
    void jsonLineWhenValuesHoldQuotesAndNewlinesThenOneObjectParsedBack() throws Exception {
        UUID user = UUID.randomUUID();
        AuditEvent event = AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, "echo", user, "ada\"\nforged=1",
                "127.0.0.1", "wrong password").withLoginId("L-1");

        String line = JdbcAuditLog.jsonLine(event);

        assertThat(line).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("log").asText()).isEqualTo("audit");
        assertThat(json.get("type").asText()).isEqualTo("LOGIN_FAILED");
        assertThat(json.get("outcome").asText()).isEqualTo("FAILURE");
        assertThat(json.get("client").asText()).isEqualTo("echo");
        assertThat(json.get("user").asText()).isEqualTo(user.toString());
        assertThat(json.get("username").asText()).isEqualTo("ada\"\nforged=1");
        assertThat(json.get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(json.get("login_id").asText()).isEqualTo("L-1");
        assertThat(json.get("detail").asText()).isEqualTo("wrong password");
    }

    @Test
    void jsonLineWhenDetailLongThenClippedAndNullsStayNull() throws Exception {
        AuditEvent event = AuditEvent.success(AuditEvent.Type.LOGOUT, null, null, null, null, "x".repeat(500));

        JsonNode json = new ObjectMapper().readTree(JdbcAuditLog.jsonLine(event));

        assertThat(json.get("detail").asText()).hasSize(203).endsWith("...");
        assertThat(json.get("login_id").isNull()).isTrue();
        assertThat(json.get("user").isNull()).isTrue();
    }
}
