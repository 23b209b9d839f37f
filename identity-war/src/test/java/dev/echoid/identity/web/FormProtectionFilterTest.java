package dev.echoid.identity.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FormProtectionFilterTest {

    @Test
    void getWhenItCarriesAViewStateOrAFormsFieldThenItWouldAct() {
        for (String name : new String[] {"jakarta.faces.ViewState", "jakarta.faces.source", "sessions:everywhere",
                "login:username", "form_token"}) {
            assertThat(FormProtectionFilter.carriesFormAction(Map.of(name, new String[] {"x"}))).as(name).isTrue();
        }
    }

    @Test
    void getWhenOnlyThePagesOwnParametersThenShown() {
        assertThat(FormProtectionFilter.carriesFormAction(Map.of())).isFalse();
        assertThat(FormProtectionFilter.carriesFormAction(Map.of("request", new String[] {"abc"},
                "enrolled", new String[] {"true"}, "ln", new String[] {"css"}))).isFalse();
    }
}
