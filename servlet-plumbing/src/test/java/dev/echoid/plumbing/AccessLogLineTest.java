package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {

    private static final AccessLogLine LINE = new AccessLogLine("POST", "/identity/token", 200, 12, "127.0.0.1",
            "L-1");

    @Test
    void textWhenRenderedThenOneKeyValueLine() {
        assertThat(LINE.render(LogFormat.TEXT)).isEqualTo(
                "access method=POST path=/identity/token status=200 duration_ms=12 remote=127.0.0.1 login_id=L-1");
    }

    @Test
    void textWhenNoLoginIdThenDash() {
        assertThat(new AccessLogLine("GET", "/identity/jwks", 200, 1, "::1", null).text()).endsWith(" login_id=-");
    }

    @Test
    void textWhenValueHasNewlineOrSpaceThenEscapedAndStillOneLine() {
        String text = new AccessLogLine("GET", "/a\nb c", 404, 1, "127.0.0.1", "x\r\ny login_id=forged").text();
        assertThat(text).doesNotContain("\n").doesNotContain("\r")
                .contains("path=/a\\u000ab\\u0020c")
                .endsWith("login_id=x\\u000d\\u000ay\\u0020login_id=forged");
        assertThat(text.split(" ")).hasSize(7);
    }

    @Test
    void jsonWhenRenderedThenOneObjectWithEveryField() throws Exception {
        String json = LINE.render(LogFormat.JSON);
        assertThat(json).doesNotContain("\n");
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.get("log").asText()).isEqualTo("access");
        assertThat(node.get("method").asText()).isEqualTo("POST");
        assertThat(node.get("path").asText()).isEqualTo("/identity/token");
        assertThat(node.get("status").asInt()).isEqualTo(200);
        assertThat(node.get("duration_ms").asLong()).isEqualTo(12);
        assertThat(node.get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(node.get("login_id").asText()).isEqualTo("L-1");
    }

    @Test
    void jsonWhenValuesHoldQuotesAndNewlinesThenEscapedAndParsedBack() throws Exception {
        String json = new AccessLogLine("GET", "/a\"b\\c\nd", 400, 3, "127.0.0.1", "q\"\n\u0001").json();
        assertThat(json).doesNotContain("\n").contains("\\\"").contains("\\n").contains("\\u0001");
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.get("path").asText()).isEqualTo("/a\"b\\c\nd");
        assertThat(node.get("login_id").asText()).isEqualTo("q\"\n\u0001");
    }

    @Test
    void jsonWhenRenderedAsJsonThenEscapedAndEveryFieldParsedBack() throws Exception {
        String json = new AccessLogLine("POST", "/a\"b\\c\nd", 302, 3, "::1", "q\"\n\u0001").render(LogFormat.JSON);
        assertThat(json).doesNotContain("\n");
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
    void textWhenGatewayRequestThenSameFields() {
        assertThat(new AccessLogLine("GET", "/echo/api/echo", 200, 4, "127.0.0.1", "L-1").render(LogFormat.TEXT))
                .isEqualTo("access method=GET path=/echo/api/echo status=200 duration_ms=4 remote=127.0.0.1 login_id=L-1");
        String text = new AccessLogLine("GET", "/a\nb c", 404, 1, "127.0.0.1", "x\ny login_id=forged").text();
        assertThat(text).doesNotContain("\n").contains("path=/a\\u000ab\\u0020c")
                .endsWith("login_id=x\\u000ay\\u0020login_id=forged");
    }

    @Test
    void jsonWhenNoLoginIdThenNull() throws Exception {
        JsonNode node = new ObjectMapper().readTree(new AccessLogLine("GET", "/", 200, 0, "::1", null).json());
        assertThat(node.get("login_id").isNull()).isTrue();
    }

    @Test
    void pathWhenRequestHasQueryOrPathParametersThenOnlyThePath() {
        // getRequestURI never holds the query; path parameters (;jsessionid=) are dropped too
        assertThat(AccessLogLine.pathOf(request("/identity/authorize;jsessionid=ABC"))).isEqualTo(
                "/identity/authorize");
        assertThat(AccessLogLine.pathOf(request("/identity/a;x=1/b"))).isEqualTo("/identity/a/b");
        assertThat(AccessLogLine.pathOf(request("/identity/token"))).isEqualTo("/identity/token");
        assertThat(AccessLogLine.pathOf(request("/echo/callback;jsessionid=ABC"))).isEqualTo("/echo/callback");
        assertThat(AccessLogLine.pathOf(request("/echo/api/echo"))).isEqualTo("/echo/api/echo");
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
