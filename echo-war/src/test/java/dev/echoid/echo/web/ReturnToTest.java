package dev.echoid.echo.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnToTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/echo?x=1&y=%20", "/a/b/c", "/search?q=a%2Fb", "/x#frag"})
    void sanitizeWhenSameOriginPathThenKept(String path) {
        assertThat(ReturnTo.sanitize(path)).isEqualTo(path);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "//evil.example", "///evil.example", "https://evil.example", "http://evil.example/x", "/\\evil.example",
        "\\\\evil.example", "javascript:alert(1)", "evil.example", "/%2Fevil.example", "%2F%2Fevil.example",
        "/%5Cevil.example", "/%252Fevil.example", "/%25252F%25252Fevil", "/\tevil", "/a\r\nSet-Cookie:x=1",
        "/%0d%0aSet-Cookie:x=1", "/ space", "/caf\u00e9", "/%zz", "/%"})
    void sanitizeWhenOffSiteOrOddThenHome(String value) {
        assertThat(ReturnTo.sanitize(value)).isEqualTo("/");
    }
}
