package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {

    @Test
    void runWhenEveryThirdOperationFailsThenErrorsCountedApartAndFirstOneKept() {
        AtomicInteger calls = new AtomicInteger();
        Scenario scenario = new Scenario("flaky", "call", () -> {
            if (calls.incrementAndGet() % 3 == 0) {
                throw new IllegalStateException("call " + calls.get() + " refused");
            }
        });

        ScenarioResult result = ClosedLoop.run(scenario, 2, Duration.ofMillis(200));

        assertThat(result.operations() + result.errors()).isEqualTo(calls.get());
        assertThat(result.errors()).isEqualTo(calls.get() / 3);
        assertThat(result.sortedNanos()).hasSize((int) result.operations()).isSorted();
        assertThat(result.firstError()).hasValueSatisfying(error -> assertThat(error)
                .startsWith("IllegalStateException: call ").endsWith(" refused"));
        assertThat(result.threads()).isEqualTo(2);
    }

    @Test
    void runUntilWhenWorkIsCountedOutThenStopsAfterIt() {
        AtomicInteger remaining = new AtomicInteger(25);
        Scenario scenario = new Scenario("count", "call", remaining::decrementAndGet);

        ScenarioResult result = ClosedLoop.runUntil(scenario, 3, () -> remaining.get() <= 0);

        // each worker asks before it starts, so at most one operation per worker past the end
        assertThat(result.operations()).isBetween(25L, 27L);
        assertThat(result.errors()).isZero();
        assertThat(result.firstError()).isEmpty();
    }

    @Test
    void runUntilWhenThePoolRunsDryThenWorkersStopWithoutCountingTheEmptyTries() {
        AtomicInteger pool = new AtomicInteger(10);
        Scenario scenario = new Scenario("pool", "take", () -> {
            if (pool.getAndDecrement() <= 0) {
                throw new Scenario.Exhausted();
            }
        });

        ScenarioResult result = ClosedLoop.runUntil(scenario, 3, () -> false);

        assertThat(result.operations()).isEqualTo(10);
        assertThat(result.errors()).isZero();
        assertThat(result.sortedNanos()).hasSize(10);
    }
}
