package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsSourceTest {

    @Test
    void firstOfWhenEarlierSourceBlankThenLaterSourceWins() {
        SettingsSource source = SettingsSource.firstOf(name -> Optional.of(" "), name -> Optional.of("second"));

        assertThat(source.get("X")).contains("second");
    }

    @Test
    void standardWhenContextParameterSetThenItWinsTrimmedAndBlankIsAbsent() {
        Map<String, String> context = Map.of("PLUMBING_TEST_SETTING", "  from-context ", "PLUMBING_TEST_BLANK", " ");
        SettingsSource source = SettingsSource.standard(context::get);

        assertThat(source.get("PLUMBING_TEST_SETTING")).contains("from-context");
        assertThat(source.get("PLUMBING_TEST_BLANK")).isEmpty();
        assertThat(source.get("PLUMBING_TEST_UNSET")).isEmpty();
    }

    @Test
    void ofWhenValueBlankThenAbsent() {
        assertThat(SettingsSource.of(Map.of("A", "", "B", "b")).get("A")).isEmpty();
        assertThat(SettingsSource.of(Map.of("A", "", "B", "b")).get("B")).contains("b");
    }
}
