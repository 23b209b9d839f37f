package dev.echoid.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The budget with a counting stand-in for Argon2id: the bound on concurrency, the queue, the timeout, the order. */
class HashingBudgetTest {

    @Test
    void hundredConcurrentHashesRunAtMostTheBudgetAtOnceAndTheOverflowIsRefusedAtOnce() throws Exception {
        HashingBudget budget = new HashingBudget(2, 4, Duration.ofSeconds(5));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(100);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    long started = System.nanoTime();
                    try {
                        return budget.run(() -> {
                            most.accumulateAndGet(running.incrementAndGet(), Math::max);
                            sleep(50);
                            running.decrementAndGet();
                            return true;
                        });
                    } catch (HashingBudget.Exhausted refused) {
                        assertThat(refused.retryAfterSeconds()).isEqualTo(5);
                        return false;
                    }
                }));
            }
            start.countDown();
            int computed = 0;
            int refused = 0;
            for (Future<Boolean> outcome : outcomes) {
                if (outcome.get(30, TimeUnit.SECONDS)) {
                    computed++;
                } else {
                    refused++;
                }
            }
            assertThat(most.get()).as("hashes at once").isLessThanOrEqualTo(2).isPositive();
            assertThat(computed).as("two running and four waiting, at least").isGreaterThanOrEqualTo(6);
            assertThat(refused).isPositive();
            assertThat(computed + refused).isEqualTo(100);
            assertThat(budget.computed()).isEqualTo(computed);
            assertThat(budget.refused()).isEqualTo(refused);
            assertThat(budget.peak()).isLessThanOrEqualTo(2);
            assertThat(budget.running()).isZero();
            assertThat(budget.queued()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaiterIsRefusedAfterTheQueueTimeoutNotLater() throws Exception {
        HashingBudget budget = new HashingBudget(1, 1, Duration.ofMillis(200));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> budget.run(() -> {
            holding.countDown();
            await(release);
            return null;
        }));
        holder.start();
        holding.await();
        long started = System.nanoTime();
        assertThatThrownBy(() -> budget.run(() -> "never")).isInstanceOf(HashingBudget.Exhausted.class);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(waitedMillis).isBetween(150L, 2000L);
        assertThat(budget.queued()).isZero();
        release.countDown();
        holder.join();
        assertThat(budget.run(() -> "free again")).isEqualTo("free again");
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        HashingBudget budget = new HashingBudget(1, 3, Duration.ofSeconds(10));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> budget.run(() -> {
            holding.countDown();
            await(release);
            return null;
        }));
        holder.start();
        holding.await();
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int number = i;
            Thread waiter = new Thread(() -> budget.run(() -> order.add(number)));
            waiter.start();
            waiters.add(waiter);
            while (budget.queued() < i + 1) {
                Thread.sleep(5);
            }
        }
        release.countDown();
        for (Thread waiter : waiters) {
            waiter.join();
        }
        holder.join();
        assertThat(order).containsExactly(0, 1, 2);
    }

    @Test
    void passwordHasherRunsEveryArgon2idComputationWithinItsBudget() {
        HashingBudget budget = new HashingBudget(1, 0, Duration.ZERO);
        PasswordHasher hasher = new PasswordHasher(1024, 1, 1, budget); // the dummy hash: one computation
        String hash = hasher.hash("pw");
        assertThat(hasher.verify("pw", hash)).isTrue();
        assertThat(hasher.verify("wrong", hash)).isFalse();
        hasher.verifyDummy("x");
        assertThat(budget.computed()).isEqualTo(5);
    }

    @Test
    void oneSourceHoldsAllButTheRunningPlacesSoAnotherSourceFindsOneAtOnce() throws Exception {
        HashingBudget budget = new HashingBudget(2, 4, Duration.ofSeconds(5));
        assertThat(budget.perSource()).as("of 2 running and 4 waiting, all but 2").isEqualTo(4);
        assertThat(new HashingBudget(2, 8, Duration.ZERO).perSource()).as("the default on two cores").isEqualTo(8);
        assertThat(new HashingBudget(2, 0, Duration.ZERO).perSource()).as("no queue: half").isEqualTo(1);
        assertThat(new HashingBudget(1, 0, Duration.ZERO).perSource()).as("at least one").isEqualTo(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            // the flood's six checks at once, each holding its place until released: four admitted
            List<Future<Boolean>> flood = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                flood.add(pool.submit(() -> held(budget, "ip:203.0.113.66", release)));
            }
            int refused = 0;
            for (Future<Boolean> check : flood) {
                try {
                    if (!check.get(200, TimeUnit.MILLISECONDS)) {
                        refused++;
                    }
                } catch (java.util.concurrent.TimeoutException holding) {
                    // admitted: running or waiting until released
                }
            }
            assertThat(refused).as("the flood's checks beyond its share, refused at once").isEqualTo(2);
            // someone else: admitted (two places are free), waiting in line behind the flood's running two
            Future<Boolean> other = pool.submit(() -> budget.run("ip:198.51.100.7", () -> true));
            Thread.sleep(200);
            assertThat(other.isDone()).as("the other source's check waits in line, not refused").isFalse();
            release.countDown();
            assertThat(other.get(5, TimeUnit.SECONDS)).isTrue();
            for (Future<Boolean> check : flood) {
                check.get(5, TimeUnit.SECONDS);
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(budget.refused()).isEqualTo(2);
        assertThat(budget.sourcesHolding()).as("no source holds a place once all are done").isZero();
    }

    @Test
    void withoutASourceOneCallerMayTakeEveryPlaceAndTheNextIsRefused() throws Exception {
        HashingBudget budget = new HashingBudget(2, 4, Duration.ofSeconds(5));
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            List<Future<Boolean>> unnamed = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                unnamed.add(pool.submit(() -> held(budget, null, release)));
            }
            Thread.sleep(200);
            assertThatThrownBy(() -> budget.run("ip:198.51.100.7", () -> true))
                    .isInstanceOf(HashingBudget.Exhausted.class);
            release.countDown();
            for (Future<Boolean> check : unnamed) {
                assertThat(check.get(5, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** One check that holds its place until {@code release}; false when refused. */
    private static boolean held(HashingBudget budget, String source, CountDownLatch release) {
        try {
            return budget.run(source, () -> {
                try {
                    return release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } catch (HashingBudget.Exhausted refused) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
