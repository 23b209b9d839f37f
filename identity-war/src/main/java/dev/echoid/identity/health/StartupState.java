package dev.echoid.identity.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the provider's start-up is: {@code waiting_for_database} (not reachable yet, tried again with a backoff),
 * {@code migrating} (reachable: the migrations run and the services that need the database are built),
 * {@code ready}, or {@code failed} (a cause that waiting does not cure, such as a refused password or a migration
 * that does not apply: reported and not tried again). One immutable value behind a volatile field: whoever reads
 * {@code ready} also sees everything that was published before it was set.
 */
public final class StartupState {

    /** The phases, in the words readiness answers with. */
    public enum Phase {
        WAITING_FOR_DATABASE, MIGRATING, READY, FAILED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Snapshot(Phase phase, String reason) {
    }

    private volatile Snapshot current = new Snapshot(Phase.WAITING_FOR_DATABASE, "the database was not tried yet");

    public boolean isReady() {
        return current.phase() == Phase.READY;
    }

    public Phase phase() {
        return current.phase();
    }

    /** A fixed sentence that says why the provider is not ready; no detail of the failure (that goes to the log). */
    public String reason() {
        return current.reason();
    }

    public synchronized void waitingForDatabase(String reason) {
        move(Phase.WAITING_FOR_DATABASE, reason);
    }

    public synchronized void migrating() {
        move(Phase.MIGRATING, "the database answered: migrating the schema and loading the signing keys");
    }

    /** Once everything that needs the database was built and published. */
    public synchronized void ready() {
        move(Phase.READY, "started");
    }

    public synchronized void failed(String reason) {
        move(Phase.FAILED, reason);
    }

    /** {@code ready} and {@code failed} are final: the provider is redeployed to start again. */
    private void move(Phase phase, String reason) {
        Phase now = current.phase();
        if (now == Phase.READY || now == Phase.FAILED) {
            throw new IllegalStateException("start-up already " + now.code() + ", cannot become " + phase.code());
        }
        current = new Snapshot(phase, reason);
    }

    /** The readiness check's answer: {@code {"status": "DOWN", "phase": "...", "reason": "..."}}. */
    public Map<String, Object> check() {
        Snapshot snapshot = current;
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("status", snapshot.phase() == Phase.READY ? Readiness.UP : Readiness.DOWN);
        check.put("phase", snapshot.phase().code());
        check.put("reason", snapshot.reason());
        return check;
    }
}
