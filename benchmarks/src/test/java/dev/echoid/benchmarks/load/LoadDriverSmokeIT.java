package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * Keeps the load driver working (CI runs it in {@code mvn verify}): every scenario briefly, against the real system.
 * It checks that the work was done and reported, never how fast.
 */
class LoadDriverSmokeIT {

    private static final int SESSIONS = 10;

    @Test
    void loadDriverWhenRunBrieflyThenEveryScenarioCompletesWithoutErrorsAndTheReportHasTheFigures() {
        Path webapps = Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath();
        LoadReport report = new LoadDriver(new LoadSettings(2, 1, 2, SESSIONS), System.out).run(webapps);

        assertThat(report.scenarios()).extracting(ScenarioResult::name)
                .containsExactly("discovery", "jwks", "client_credentials", "sign_in", "api_echo");
        assertThat(report.scenarios()).allSatisfy(result -> {
            assertThat(result.operations()).as(result.name() + " operations").isPositive();
            assertThat(result.errors()).as(result.name() + " errors, first: " + result.firstError()).isZero();
            assertThat(result.throughput()).as(result.name() + " throughput").isPositive();
            assertThat(result.percentileMillis(50)).as(result.name() + " p50").isPositive()
                    .isLessThanOrEqualTo(result.percentileMillis(99));
            assertThat(result.percentileMillis(99)).isLessThanOrEqualTo(result.maxMillis());
        });
        // the memory figure is about what it says: each of its sign-ins is one more live gateway session
        SessionMemory memory = report.memory();
        assertThat(memory.sessionsAfter().gateway() - memory.sessionsBefore().gateway()).isEqualTo(SESSIONS);
        assertThat(memory.beforeBytes()).isPositive();
        assertThat(memory.afterBytes()).isPositive();

        String table = report.format();
        System.out.println(table);
        assertThat(table).contains(Runtime.getRuntime().availableProcessors() + " cores")
                .contains("ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
                .contains("discovery", "jwks", "client_credentials", "sign_in", "api_echo")
                .contains("after " + SESSIONS + " sign-ins", "per signed-in session");
    }
}
