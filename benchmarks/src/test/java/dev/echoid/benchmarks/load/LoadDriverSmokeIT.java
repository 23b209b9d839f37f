package dev.echoid.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the load driver working (CI runs it in {@code mvn verify}): every scenario briefly, against the real system
 * in its own JVM. It checks that the work was done and every figure reported, never how fast or how big.
 */
class LoadDriverSmokeIT {

    private static final int SESSIONS = 10;
    private static final int FLOOD = 10;

    @Test
    void loadDriverWhenRunBrieflyThenEveryScenarioCompletesWithoutErrorsAndTheReportHasEveryFigure() {
        Path webapps = Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath();
        ServerProcess.Launch defaults = LoadDriver.launchFromSystemProperties(webapps);
        // room for today's unbounded password hashing: each concurrent Argon2id takes 19 MiB of heap
        ServerProcess.Launch launch = new ServerProcess.Launch(defaults.webapps(), defaults.classpath(), "512m",
                List.of(), defaults.loggingConfig());
        LoadReport report = new LoadDriver(new LoadSettings(2, 1, 2, SESSIONS, FLOOD), System.out).run(launch);

        assertThat(report.scenarios()).extracting(MeasuredScenario::name).containsExactly("discovery", "jwks",
                "client_credentials", "refresh", "code_exchange", "sign_in", "api_echo");
        assertThat(report.scenarios()).allSatisfy(scenario -> {
            ScenarioResult result = scenario.load();
            assertCompleted(result);
            ServerCost cost = scenario.cost();
            assertThat(cost.jvmTicks()).as(result.name() + ": the server JVM's CPU").isPositive();
            assertThat(scenario.perCpuSecond()).as(result.name() + " per CPU-second").isPositive();
            assertThat(cost.rssBeforeBytes()).as(result.name() + " RSS before").isPositive();
            assertThat(cost.rssAfterBytes()).as(result.name() + " RSS after").isPositive();
            assertThat(cost.rssPeakBytes()).isGreaterThanOrEqualTo(Math.max(cost.rssBeforeBytes(),
                    cost.rssAfterBytes()));
        });
        // PostgreSQL's processes were found and read: the token scenarios write rows
        assertThat(report.scenarios().stream().mapToLong(scenario -> scenario.cost().postgresTicks()).sum())
                .as("PostgreSQL's CPU").isPositive();
        assertThat(report.postgresProcesses()).isGreaterThan(1);

        Flood.Result flood = report.flood().result();
        assertCompleted(flood.answers());
        // probes were made and timed; how many the provider answered within the probe's 1 s is a figure, not an error
        assertThat(flood.ready().sortedNanos()).as("/health/ready probes").isNotEmpty()
                .hasSize((int) (flood.ready().operations() + flood.ready().errors()));
        assertThat(flood.othersSignIns().operations()).as("others' sign-ins during the flood").isPositive();
        assertThat(flood.answers().threads()).isEqualTo(FLOOD);
        assertThat(flood.outcomes().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(flood.answers().operations() + flood.answers().errors());
        assertThat(report.flood().cost().rssPeakBytes()).isPositive();

        LoadReport.ServerMemory memory = report.memory();
        assertThat(memory.readyBytes()).isPositive();
        assertThat(memory.afterLoadBytes()).isPositive();
        assertThat(memory.peakBytes()).isGreaterThanOrEqualTo(Math.max(memory.readyBytes(),
                memory.afterLoadBytes()));
        // the heap figure is about what it says: each of its sign-ins is one more live gateway session
        SessionMemory sessions = report.sessions();
        assertThat(sessions.notMeasured()).isEmpty();
        assertThat(sessions.sessionsAfter().gateway() - sessions.sessionsBefore().gateway()).isEqualTo(SESSIONS);
        assertThat(sessions.beforeBytes()).isPositive();
        assertThat(sessions.afterBytes()).isPositive();

        String table = report.format();
        System.out.println(table);
        assertThat(table).contains(Runtime.getRuntime().availableProcessors() + " cores", "-Xmx512m")
                .contains("ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
                .contains("JVM s", "PG s", "CPU ms/op", "ops/CPU-s", "target", ">= 2,000", ">= 1,000", ">= 30",
                        ">= 15,000")
                .contains("discovery", "jwks", "client_credentials", "refresh", "code_exchange", "sign_in",
                        "api_echo", "flood (answers)")
                .contains("their outcomes", "/health/ready p99", "others' sign-ins", "keep succeeding", "< 100 ms")
                .contains("ready", "after all load", "<= 256 MiB", "<= 400 MiB", "<= 512 MiB")
                .contains("after " + SESSIONS + " sign-ins", "per signed-in session")
                .doesNotContain("NaN");
    }

    private static void assertCompleted(ScenarioResult result) {
        assertThat(result.operations()).as(result.name() + " operations").isPositive();
        assertThat(result.errors()).as(result.name() + " errors, first: " + result.firstError()).isZero();
        assertThat(result.throughput()).as(result.name() + " throughput").isPositive();
        assertThat(result.percentileMillis(50)).as(result.name() + " p50").isPositive()
                .isLessThanOrEqualTo(result.percentileMillis(99));
        assertThat(result.percentileMillis(99)).isLessThanOrEqualTo(result.maxMillis());
    }
}
