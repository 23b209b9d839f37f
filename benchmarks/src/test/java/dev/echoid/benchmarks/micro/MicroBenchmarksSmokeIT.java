package dev.echoid.benchmarks.micro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the JMH benchmarks working (CI runs it in {@code mvn verify}): each once, in its own JVM as JMH runs them,
 * with one short measurement. It checks that each produced a figure, never what the figure is.
 */
class MicroBenchmarksSmokeIT {

    @Test
    void benchmarksWhenRunOnceThenEachReportsAScore() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("dev\\.echoid\\.benchmarks\\.micro\\.")
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).extracting(MicroBenchmarksSmokeIT::name).containsExactlyInAnyOrder(
                "PasswordVerificationBenchmark.verifyPassword native",
                "PasswordVerificationBenchmark.verifyPassword bouncycastle",
                "PasswordVerificationBenchmark.verifyPasswordTwoAtOnce native",
                "PasswordVerificationBenchmark.verifyPasswordTwoAtOnce bouncycastle",
                "ClientSecretVerificationBenchmark.verifyClientSecret",
                "ClientSecretVerificationBenchmark.verifyWrongClientSecret",
                "IdTokenSigningBenchmark.signIdToken RS256",
                "IdTokenSigningBenchmark.signIdToken ES256",
                "IdTokenVerificationBenchmark.verifyIdToken RS256",
                "IdTokenVerificationBenchmark.verifyIdToken ES256");
        assertThat(results).allSatisfy(result -> {
            double score = result.getPrimaryResult().getScore();
            System.out.printf("%s: %.3f %s%n", name(result), score, result.getPrimaryResult().getScoreUnit());
            assertThat(score).as(name(result)).isPositive().isFinite();
            assertThat(result.getParams().getTimeUnit()).isIn(TimeUnit.MILLISECONDS, TimeUnit.MICROSECONDS);
        });
    }

    /** The benchmark's simple class and method name, and its algorithm or implementation when it has one. */
    private static String name(RunResult result) {
        String benchmark = result.getParams().getBenchmark();
        String algorithm = result.getParams().getParam("algorithm");
        if (algorithm == null) {
            algorithm = result.getParams().getParam("implementation");
        }
        String simple = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
        return algorithm == null ? simple : simple + " " + algorithm;
    }
}
