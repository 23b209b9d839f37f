package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void parseWhenTheCommandHoldsSpacesAndParenthesesThenFieldsCountedFromTheLastOne() {
        String line = "4242 (postgres: a) b (c)) S 17 4242 4242 0 -1 4194560 900 0 0 0 123 45 6 7 20 0 1 0 "
                + "5000 300000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        ProcFs.Stat stat = ProcFs.parse(4242, line);

        assertThat(stat).isEqualTo(new ProcFs.Stat(4242, 17, 123, 45, 6, 7));
        assertThat(stat.totalTicks()).isEqualTo(181);
    }

    @Test
    void statWhenThisProcessThenItsCpuAndMemoryAreRead() {
        long pid = ProcessHandle.current().pid();

        assertThat(ProcFs.stat(pid)).hasValueSatisfying(stat -> {
            assertThat(stat.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
            assertThat(stat.utime() + stat.stime()).isPositive();
        });
        assertThat(ProcFs.statusBytes(pid, "VmRSS")).hasValueSatisfying(rss -> assertThat(rss).isPositive());
        assertThat(ProcFs.statusBytes(pid, "VmHWM").orElseThrow())
                .isGreaterThanOrEqualTo(ProcFs.statusBytes(pid, "VmRSS").orElseThrow() / 2);
        assertThat(ProcFs.children(ProcessHandle.current().parent().orElseThrow().pid()))
                .extracting(ProcFs.Stat::pid).contains(pid);
        assertThat(ProcFs.stat(Long.MAX_VALUE)).isEmpty();
    }
}
