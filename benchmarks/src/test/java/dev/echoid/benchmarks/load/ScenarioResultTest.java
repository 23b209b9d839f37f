package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ScenarioResultTest {

    @Test
    void percentilesWhenHundredSamplesThenNearestRank() {
        long[] nanos = LongStream.rangeClosed(1, 100).map(ms -> ms * 1_000_000).toArray();
        ScenarioResult result = new ScenarioResult("s", "op", 1, 100, 0, 2_000_000_000L, nanos, Optional.empty());

        assertThat(result.percentileMillis(50)).isEqualTo(50.0);
        assertThat(result.percentileMillis(95)).isEqualTo(95.0);
        assertThat(result.percentileMillis(99)).isEqualTo(99.0);
        assertThat(result.maxMillis()).isEqualTo(100.0);
        assertThat(result.throughput()).isEqualTo(50.0);
    }

    @Test
    void percentilesWhenOneSampleThenThatSampleAndWhenNoneThenNaN() {
        ScenarioResult one = new ScenarioResult("s", "op", 1, 1, 0, 1_000_000_000L, new long[] {3_000_000},
                Optional.empty());
        ScenarioResult none = new ScenarioResult("s", "op", 1, 0, 4, 1_000_000_000L, new long[0],
                Optional.of("IllegalStateException: down"));

        assertThat(one.percentileMillis(50)).isEqualTo(3.0);
        assertThat(one.percentileMillis(99)).isEqualTo(3.0);
        assertThat(none.percentileMillis(50)).isNaN();
        assertThat(none.maxMillis()).isNaN();
        assertThat(none.throughput()).isZero();
    }

    @Test
    void combineWhenTwoRoundsThenAddedUpAndTimesMerged() {
        ScenarioResult first = new ScenarioResult("s", "op", 2, 2, 0, 1_000_000_000L, new long[] {1, 5},
                Optional.empty());
        ScenarioResult second = new ScenarioResult("s", "op", 2, 3, 1, 1_000_000_000L, new long[] {2, 3, 9},
                Optional.of("IllegalStateException: once"));

        ScenarioResult both = ScenarioResult.combine(java.util.List.of(first, second));

        assertThat(both.operations()).isEqualTo(5);
        assertThat(both.errors()).isEqualTo(1);
        assertThat(both.elapsedNanos()).isEqualTo(2_000_000_000L);
        assertThat(both.sortedNanos()).containsExactly(1, 2, 3, 5, 9);
        assertThat(both.firstError()).hasValue("IllegalStateException: once");
        assertThat(both.throughput()).isEqualTo(2.5);
    }
}
