package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadSettingsTest {

    @Test
    void constructorWhenNoWorkersOrNoTimeThenRefusedByName() {
        assertThatThrownBy(() -> new LoadSettings(20, 5, 0, 500, 100))
                .hasMessage("bench.threads must be at least 1, not 0");
        assertThatThrownBy(() -> new LoadSettings(0, 5, 4, 500, 100))
                .hasMessage("bench.seconds must be at least 1, not 0");
        assertThatThrownBy(() -> new LoadSettings(20, -1, 4, 500, 100)).hasMessageStartingWith("bench.warmup");
        assertThatThrownBy(() -> new LoadSettings(20, 5, 4, 0, 100)).hasMessageStartingWith("bench.sessions");
        assertThatThrownBy(() -> new LoadSettings(20, 5, 4, 500, 0))
                .hasMessage("bench.flood must be at least 1, not 0");
    }

    @Test
    void fromSystemPropertiesWhenSetThenUsedAndWhenNotANumberThenNamed() {
        System.setProperty(LoadSettings.THREADS, "3");
        try {
            assertThat(LoadSettings.fromSystemProperties().threads()).isEqualTo(3);
            System.setProperty(LoadSettings.THREADS, "four");
            assertThatThrownBy(LoadSettings::fromSystemProperties)
                    .hasMessage("bench.threads must be a whole number, not 'four'");
        } finally {
            System.clearProperty(LoadSettings.THREADS);
        }
        assertThat(LoadSettings.fromSystemProperties()).isEqualTo(new LoadSettings(20, 5, 4, 500, 100));
    }

    @Test
    void onlyWhenSetThenJustThoseRunAndWhenUnknownThenRefusedByName() {
        System.setProperty(LoadSettings.ONLY, " discovery, flood ,");
        try {
            LoadSettings settings = LoadSettings.fromSystemProperties();
            assertThat(settings.runs("discovery")).isTrue();
            assertThat(settings.runs("flood")).isTrue();
            assertThat(settings.runs("sign_in")).isFalse();
            assertThat(settings.complete()).isFalse();
            System.setProperty(LoadSettings.ONLY, "discovery,signin");
            assertThatThrownBy(LoadSettings::fromSystemProperties).hasMessageStartingWith("bench.only")
                    .hasMessageContaining("'signin'");
        } finally {
            System.clearProperty(LoadSettings.ONLY);
        }
        assertThat(new LoadSettings(20, 5, 4, 500, 100).runs("memory")).isTrue();
    }
}
