package dev.echoid.identity.health;

import dev.echoid.identity.config.Database;
import dev.echoid.identity.store.JdbcDatabaseStatus;
import dev.echoid.identity.token.SigningKeys;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The readiness checks, answered within a fixed time. A database that does not answer makes a connection pool wait
 * its whole connection timeout (HikariCP's 30 s by default, a container pool's own), which is right for a sign-in
 * but not for a probe: an orchestrator that waits that long times out and learns nothing, and a probe every second
 * would pile up blocked threads. So the checks run on their own thread, at most one round at a time (probes that
 * arrive meanwhile wait for the same round), and a check that has not answered within {@link #BUDGET} is
 * {@code DOWN}. Requests keep the pool's own timeout.
 */
public final class Readiness {

    /** How long a probe waits for the checks: under a second, so the answer comes within one. */
    public static final Duration BUDGET = Duration.ofMillis(800);
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";

    private static final Logger LOG = System.getLogger(Readiness.class.getName());

    /** One check: its details when it passes; it throws when it fails. */
    @FunctionalInterface
    public interface Check {
        Map<String, Object> run();
    }

    /** A named check, in the order the answer lists them. */
    public record NamedCheck(String name, Check check) {
    }

    private final List<NamedCheck> checks;
    private final Duration budget;
    private Round current;

    public Readiness(List<NamedCheck> checks, Duration budget) {
        this.checks = List.copyOf(checks);
        this.budget = budget;
    }

    /** Each check's {@code {"status": "UP", ...}} or {@code {"status": "DOWN"}}, within the budget. */
    public Map<String, Object> check() {
        Round round = currentRound();
        try {
            round.done.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            // the slow check goes on in the background; this probe answers now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException unexpected) {
            LOG.log(Level.WARNING, "Readiness checks failed: " + unexpected.getCause());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        for (NamedCheck named : checks) {
            Object result = round.results.get(named.name());
            if (result == null) {
                LOG.log(Level.WARNING, "Readiness check " + named.name() + " did not answer within "
                        + budget.toMillis() + " ms");
                result = Map.of("status", DOWN);
            }
            answer.put(named.name(), result);
        }
        return answer;
    }

    /** True when every check in {@code answer} is UP. */
    public static boolean allUp(Map<String, ?> answer) {
        return answer.values().stream().allMatch(c -> c instanceof Map<?, ?> m && UP.equals(m.get("status")));
    }

    private synchronized Round currentRound() {
        if (current == null || current.done.isDone()) {
            current = new Round();
            Round round = current;
            Thread thread = new Thread(() -> round.run(checks), "echoid-readiness");
            thread.setDaemon(true); // a check blocked in a pool's wait must not hold up a shutdown
            thread.start();
        }
        return current;
    }

    /** One run of all checks; results appear as each check finishes. */
    private static final class Round {
        final Map<String, Object> results = new ConcurrentHashMap<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        void run(List<NamedCheck> checks) {
            try {
                for (NamedCheck named : checks) {
                    results.put(named.name(), evaluate(named));
                }
            } finally {
                done.complete(null);
            }
        }

        private static Map<String, Object> evaluate(NamedCheck named) {
            Map<String, Object> result = new LinkedHashMap<>();
            try {
                Map<String, Object> detail = named.check().run();
                result.put("status", UP);
                result.putAll(detail);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Readiness check " + named.name() + " failed: " + e);
                result.put("status", DOWN);
            }
            return result;
        }
    }

    /**
     * The provider's checks: the database answers a query; its schema is this WAR's newest migration or later (a
     * newer node of a rolling upgrade may have migrated further); a key signs now for each algorithm.
     */
    public static Readiness of(JdbcDatabaseStatus status, Database database, SigningKeys signingKeys) {
        return new Readiness(List.of(
                new NamedCheck("database", () -> {
                    status.ping();
                    return Map.of();
                }),
                new NamedCheck("migrations", () -> {
                    Optional<String> version = status.schemaVersion();
                    if (!database.isMigrated(version.orElse(null))) {
                        throw new IllegalStateException("schema version " + version.orElse("none") + ", expected "
                                + database.newestMigration());
                    }
                    return Map.of("schema_version", version.orElseThrow());
                }),
                new NamedCheck("signing_keys", () -> {
                    Map<String, Object> kids = new LinkedHashMap<>();
                    for (String algorithm : signingKeys.supportedAlgorithms()) {
                        kids.put(algorithm, signingKeys.signingKey(algorithm).kid());
                    }
                    return Map.of("signing", kids);
                })), BUDGET);
    }
}
