package dev.echoid.identity.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.health.Readiness.NamedCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness answers within its budget, whatever a check waits for, and never piles up waiting threads. */
class ReadinessTest {

    private static final Duration BUDGET = Duration.ofMillis(300);

    private final CountDownLatch databaseAnswers = new CountDownLatch(1);
    private final AtomicInteger databaseAsked = new AtomicInteger();

    @AfterEach
    void release() {
        databaseAnswers.countDown();
    }

    private Readiness readiness() {
        return new Readiness(List.of(
                new NamedCheck("process", () -> Map.of()),
                new NamedCheck("database", () -> {
                    databaseAsked.incrementAndGet();
                    try {
                        // a pool waiting for a connection from a database that is gone
                        databaseAnswers.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Map.of("answered", true);
                }),
                new NamedCheck("signing_keys", () -> Map.of())), BUDGET);
    }

    @Test
    void checkWhenOneCheckHangsThenAnswersWithinBudgetWithItAndTheRestDown() {
        Readiness readiness = readiness();
        Instant started = Instant.now();

        Map<String, Object> answer = readiness.check();

        assertThat(Duration.between(started, Instant.now())).isLessThan(BUDGET.plusMillis(700));
        assertThat(answer).containsEntry("process", Map.of("status", "UP"))
                .containsEntry("database", Map.of("status", "DOWN"))
                .containsEntry("signing_keys", Map.of("status", "DOWN"));
        assertThat(Readiness.allUp(answer)).isFalse();
    }

    @Test
    void checkWhenManyProbesWhileOneHangsThenOneRoundOnlyAndUpOnceItAnswers() throws Exception {
        Readiness readiness = readiness();
        ExecutorService probes = Executors.newFixedThreadPool(20);
        try {
            List<Future<Map<String, Object>>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                answers.add(probes.submit(readiness::check));
            }
            for (Future<Map<String, Object>> answer : answers) {
                assertThat(answer.get(5, TimeUnit.SECONDS).get("database")).isEqualTo(Map.of("status", "DOWN"));
            }
        } finally {
            probes.shutdownNow();
        }
        assertThat(databaseAsked.get()).as("probes share the round in flight: no thread per probe").isEqualTo(1);

        databaseAnswers.countDown();
        // the round in flight finishes on its own thread; the next probe after it starts a fresh one
        Map<String, Object> answer = readiness.check();
        for (Instant deadline = Instant.now().plusSeconds(5); !Readiness.allUp(answer)
                && Instant.now().isBefore(deadline); ) {
            answer = readiness.check();
        }
        assertThat(Readiness.allUp(answer)).as(answer.toString()).isTrue();
        assertThat(answer.get("database")).isEqualTo(Map.of("status", "UP", "answered", true));
    }

    @Test
    void checkWhenACheckThrowsThenDownAndTheOthersStillRun() {
        Readiness readiness = new Readiness(List.of(
                new NamedCheck("database", () -> {
                    throw new IllegalStateException("refused");
                }),
                new NamedCheck("signing_keys", () -> Map.of("signing", "k1"))), BUDGET);

        Map<String, Object> answer = readiness.check();

        assertThat(answer).containsEntry("database", Map.of("status", "DOWN"))
                .containsEntry("signing_keys", Map.of("status", "UP", "signing", "k1"));
    }
}
