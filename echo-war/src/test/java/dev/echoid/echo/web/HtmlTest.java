package dev.echoid.echo.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapeWhenMarkupThenInert() {
        assertThat(Html.escape("<script>alert('x')</script> & \"q\" `b`"))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &#96;b&#96;");
    }

    @Test
    void escapeWhenNullThenEmpty() {
        assertThat(Html.escape(null)).isEmpty();
    }
}
