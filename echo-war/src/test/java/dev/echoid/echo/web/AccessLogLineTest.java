package dev.echoid.echo.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.echo.config.LogFormat;
import dev.echoid.echo.config.SettingSource;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {

    private static final AccessLogLine LINE = new AccessLogLine("GET", "/echo/api/echo", 200, 4, "127.0.0.1",
            "L-1");

    @Test
    void textWhenRenderedThenOneKeyValueLine() {
        assertThat(LINE.render(LogFormat.TEXT)).isEqualTo(
                "access method=GET path=/echo/api/echo status=200 duration_ms=4 remote=127.0.0.1 login_id=L-1");
    }

    @Test
    void textWhenValueHasNewlineOrSpaceThenEscapedAndStillOneLine() {
        String text = new AccessLogLine("GET", "/a\nb c", 404, 1, "127.0.0.1", "x\ny login_id=forged").text();
        assertThat(text).doesNotContain("\n").contains("path=/a\\u000ab\\u0020c")
                .endsWith("login_id=x\\u000ay\\u0020login_id=forged");
        assertThat(text.split(" ")).hasSize(7);
    }

    @Test
    void jsonWhenValuesHoldQuotesAndNewlinesThenEscapedAndParsedBack() throws Exception {
        String json = new AccessLogLine("POST", "/a\"b\\c\nd", 302, 3, "::1", "q\"\n\u0001").render(LogFormat.JSON);
        assertThat(json).doesNotContain("\n").contains("\\\"").contains("\\n").contains("\\u0001");
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.get("log").asText()).isEqualTo("access");
        assertThat(node.get("method").asText()).isEqualTo("POST");
        assertThat(node.get("path").asText()).isEqualTo("/a\"b\\c\nd");
        assertThat(node.get("status").asInt()).isEqualTo(302);
        assertThat(node.get("duration_ms").asLong()).isEqualTo(3);
        assertThat(node.get("remote").asText()).isEqualTo("::1");
        assertThat(node.get("login_id").asText()).isEqualTo("q\"\n\u0001");
    }

    @Test
    void jsonWhenNoLoginIdThenNull() throws Exception {
        JsonNode node = new ObjectMapper().readTree(new AccessLogLine("GET", "/", 200, 0, "::1", null).json());
        assertThat(node.get("login_id").isNull()).isTrue();
    }

    @Test
    void pathWhenRequestHasQueryOrPathParametersThenOnlyThePath() {
        assertThat(AccessLogLine.pathOf(request("/echo/callback;jsessionid=ABC"))).isEqualTo("/echo/callback");
        assertThat(AccessLogLine.pathOf(request("/echo/api/echo"))).isEqualTo("/echo/api/echo");
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

    @Test
    void formatWhenSettingThenTextJsonOrRefused() {
        assertThat(LogFormat.from(source(Map.of()))).contains(LogFormat.TEXT);
        assertThat(LogFormat.from(source(Map.of(LogFormat.SETTING, "JSON")))).contains(LogFormat.JSON);
        assertThat(LogFormat.from(source(Map.of(LogFormat.SETTING, "yaml")))).isEmpty();
    }

    private static SettingSource source(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    private static HttpServletRequest request(String uri) {
        return (HttpServletRequest) Proxy.newProxyInstance(AccessLogLineTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestURI" -> uri;
                    case "getQueryString" -> "code=secret&state=s";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
