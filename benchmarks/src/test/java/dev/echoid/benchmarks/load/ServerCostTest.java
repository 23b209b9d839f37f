package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerCostTest {

    @Test
    void perCpuSecondWhenJvmAndPostgresSpentThenBothCount() {
        ServerCost cost = new ServerCost(150, 50, 100, 120, 130);

        assertThat(cost.cpuSeconds()).isEqualTo(2.0);
        assertThat(cost.perCpuSecond(1000)).isEqualTo(500.0);
        assertThat(new ServerCost(0, 0, 1, 1, 1).perCpuSecond(10)).isNaN();
    }

    @Test
    void thenWhenRoundsFollowEachOtherThenCpuAddedAndMemoryFromFirstToLast() {
        ServerCost rounds = new ServerCost(10, 5, 100, 110, 150).then(new ServerCost(20, 1, 110, 105, 120));

        assertThat(rounds).isEqualTo(new ServerCost(30, 6, 100, 105, 150));
    }
}
