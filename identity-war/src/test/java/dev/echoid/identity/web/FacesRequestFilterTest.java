package dev.echoid.identity.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FacesRequestFilterTest {

    @Test
    void acceptWhenWellFormedThenKept() {
        assertThat(FacesRequestFilter.acceptParses("text/html")).isTrue();
        assertThat(FacesRequestFilter.acceptParses("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
                .isTrue();
        assertThat(FacesRequestFilter.acceptParses("text/html; charset=\"utf-8\"; q=1.0")).isTrue();
    }

    @Test
    void acceptWhenMalformedThenReadAsHtml() {
        // each one made Mojarra's RenderKitUtils throw while it chose the page's content type
        for (String accept : new String[] {"", ";;", "text/html;q=abc, ;;, */*;q=2", "text/html,,", "html",
            "text/html;q=", "*/*;q=1.5", "text/html;q=0.5x"}) {
            assertThat(FacesRequestFilter.acceptParses(accept)).as(accept).isFalse();
        }
    }
}
