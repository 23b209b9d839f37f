package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakTrendTest {

    @Test
    void slopeWhenRowsRiseLinearlyThenTheirRatePerMinute() {
        List<SoakSampler.Sample> samples = samples(30, i -> 100L * i); // 100 rows per 30 s

        assertThat(SoakDriver.slopePerMinute(samples, s -> s.rows().get("audit_event"))).isCloseTo(200.0,
                within(1e-9));
    }

    @Test
    void trendWhenStillRisingThenGrowsWhenPlateauedThenLevelsOffWhenSteadyThenFlat() {
        List<SoakSampler.Sample> rising = samples(60, i -> 100L * i);
        List<SoakSampler.Sample> plateau = samples(60, i -> Math.min(100L * i, 3000));
        List<SoakSampler.Sample> steady = samples(60, i -> 3000 + (i % 2) * 20);

        assertThat(verdict(rising)).startsWith("GROWS");
        assertThat(verdict(plateau)).startsWith("levels off");
        assertThat(verdict(steady)).startsWith("flat");
    }

    @Test
    void trendWhenSmallLevelScattersAndEndsHighThenFlatNotGrows() {
        // login_throttle in the soak of 2026-12-01: its level follows the random count of failed sign-ins. Its
        // fitted change over the last two thirds is 16 % of its mean, less than twice its scatter (22 rows)
        long[] throttle = {0, 11, 55, 111, 145, 183, 185, 217, 165, 204, 165, 211, 185, 213, 181, 215, 171, 187, 135,
            173, 125, 151, 125, 159, 131, 171, 153, 181, 151, 195, 157, 195, 161, 185, 143, 183, 145, 189, 162, 185,
            145, 177, 121, 165, 149, 175, 143, 179, 133, 177, 149, 189, 149, 181, 163, 203, 173, 211, 176, 207, 151};
        List<SoakSampler.Sample> scattered = samples(throttle.length, i -> throttle[i]);

        assertThat(verdict(scattered)).startsWith("flat");
    }

    @Test
    void drainWhenIntervalMeasuredThenItsPercentilesAndErrorsAndTheNextStartsEmpty() {
        IntervalLatencies recorder = new IntervalLatencies(List.of("jwks", "refresh"));
        for (int i = 1; i <= 100; i++) {
            recorder.succeeded("jwks", i * 1_000_000L);
        }
        recorder.failed("refresh", "first");
        recorder.failed("refresh", "second");

        Map<String, IntervalLatencies.Figures> first = recorder.drain();
        Map<String, IntervalLatencies.Figures> next = recorder.drain();

        assertThat(first.get("jwks")).isEqualTo(new IntervalLatencies.Figures(100, 50.0, 99.0, 0, null));
        assertThat(first.get("refresh").errors()).isEqualTo(2);
        assertThat(first.get("refresh").firstError()).isEqualTo("first");
        assertThat(first.get("refresh").p99Millis()).isNaN();
        assertThat(next.get("jwks").operations()).isZero();
    }

    @Test
    void writeWhenSamplesThenCsvHasAColumnPerFigureAndPlotIsAPng(@TempDir Path directory) throws Exception {
        List<SoakSampler.Sample> samples = samples(10, i -> 10L * i);
        Path csv = directory.resolve("soak.csv");
        Path png = directory.resolve("soak.png");

        SoakDriver.writeCsv(samples, csv);
        SoakPlot.write(samples, "test", png);

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(11);
        assertThat(lines.get(0)).contains("heap_after_forced_full_gc_bytes", "rows_audit_event", "api_echo_p99_ms");
        assertThat(lines.get(0).split(",")).hasSameSizeAs(lines.get(10).split(",", -1));
        assertThat(SoakDriver.readCsv(csv)).usingRecursiveFieldByFieldElementComparator().isEqualTo(samples);
        byte[] image = Files.readAllBytes(png);
        assertThat(image).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    private static String verdict(List<SoakSampler.Sample> samples) {
        return SoakDriver.trend("rows", samples.subList(samples.size() / 3, samples.size()),
                samples.subList(samples.size() * 2 / 3, samples.size()), s -> s.rows().get("audit_event"))
                .substring(2 + 44 + 1).trim();
    }

    /** One sample every 30 s with {@code rows(i)} audit rows and the other figures fixed. */
    private static List<SoakSampler.Sample> samples(int count, IntToLongFunction rows) {
        List<SoakSampler.Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Long> tables = new java.util.LinkedHashMap<>();
            for (String table : SoakSampler.tables()) {
                tables.put(table, 0L);
            }
            tables.put("audit_event", rows.applyAsLong(i));
            Map<String, IntervalLatencies.Figures> operations = new java.util.LinkedHashMap<>();
            for (String operation : SoakLoad.OPERATIONS) {
                operations.put(operation, new IntervalLatencies.Figures(10, 1.0, 2.0, 0, null));
            }
            samples.add(new SoakSampler.Sample(30.0 * i, 1.0, 300L << 20, 40L << 20, 60L << 20, 3, 0, 12, 1.0,
                    0.5, 32, tables, operations));
        }
        return samples;
    }
}
