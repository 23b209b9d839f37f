package dev.echoid.identity;

import dev.echoid.identity.health.StartupState;
import dev.echoid.identity.store.StoreException;
import dev.echoid.plumbing.InvalidSettingException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The part of the start-up that needs the database, tried until the database answers: orchestrators start the
 * provider and PostgreSQL in any order. The first attempt runs while the web application deploys (so a database that
 * is there gives a deployment that is ready when it completes, as before); when the database cannot be reached yet,
 * the deployment completes anyway, not ready, and one thread of its own tries again with a backoff that doubles from
 * {@link #FIRST_RETRY} to at most {@link #MAX_RETRY}, logging a line when it starts waiting, when the reason changes
 * and once a minute, never a stack trace per attempt. A failure that waiting does not cure (the database refuses the
 * credentials, the database named does not exist, a migration that does not apply, an invalid setting, secrets
 * stored unsealed) stops it: {@code failed}, said once in the log with its cause, and the provider stays unready
 * until it is fixed and redeployed.
 */
final class Startup implements AutoCloseable {

    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(5);
    private static final Duration REMINDER = Duration.ofMinutes(1);
    private static final Logger LOG = System.getLogger(Startup.class.getName());

    /** What needs the database: migrate, build the services, publish them. Runs once to completion, or throws. */
    @FunctionalInterface
    interface Build {
        void run() throws Exception;
    }

    /** Undoes a build that threw half-way (the pool it opened, the threads it started), so the next starts clean. */
    @FunctionalInterface
    interface Cleanup {
        void run();
    }

    private final StartupState state;
    private final DataSource probe;
    private final String database;
    private final Build build;
    private final Cleanup cleanup;
    private volatile boolean stopped;
    /** The last transient failure and its root cause, for the log. */
    private volatile String lastCause = "";
    private Thread thread;

    /**
     * @param probe    one connection, opened and closed to learn whether the database answers (no pool)
     * @param database where the database is, for the log (no password)
     */
    Startup(StartupState state, DataSource probe, String database, Build build, Cleanup cleanup) {
        this.state = state;
        this.probe = probe;
        this.database = database;
        this.build = build;
        this.cleanup = cleanup;
    }

    /** The first attempt, on the caller's thread; if the database is not reachable yet, the others in the background. */
    synchronized void start() {
        Attempt first = attempt();
        if (first == Attempt.TRY_AGAIN && !stopped) {
            thread = new Thread(this::retry, "echoid-startup");
            thread.setDaemon(true); // a wait for the database must not hold up a shutdown
            thread.start();
        }
    }

    private enum Attempt { DONE, TRY_AGAIN }

    private void retry() {
        Duration wait = FIRST_RETRY;
        long attempts = 1;
        long waitingSince = System.nanoTime();
        long remindedAt = waitingSince;
        String lastReason = lastCause;
        while (!stopped) {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return; // undeployed
            }
            if (stopped || attempt() == Attempt.DONE) {
                if (state.isReady()) {
                    LOG.log(Level.INFO, "The database answered after {0} attempt(s) in {1} s",
                            attempts + 1, Duration.ofNanos(System.nanoTime() - waitingSince).toSeconds());
                }
                return;
            }
            attempts++;
            long now = System.nanoTime();
            if (!lastCause.equals(lastReason) || now - remindedAt > REMINDER.toNanos()) {
                LOG.log(Level.WARNING, "Still waiting for the database at {0} after {1} attempts in {2} s: {3}",
                        database, attempts, Duration.ofNanos(now - waitingSince).toSeconds(), lastCause);
                lastReason = lastCause;
                remindedAt = now;
            }
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
    }

    private Attempt attempt() {
        try {
            try (Connection reached = probe.getConnection()) {
                // the database answers: from here a failure is the migration's or the build's
            }
            state.migrating();
            build.run();
            state.ready();
            return Attempt.DONE;
        } catch (Exception failure) {
            cleanup.run();
            if (stopped) {
                return Attempt.DONE;
            }
            if (isTransient(failure)) {
                String first = lastCause;
                lastCause = rootMessage(failure);
                state.waitingForDatabase("the database cannot be reached yet; the provider tries again by itself");
                if (first.isEmpty()) {
                    LOG.log(Level.WARNING, "Waiting for the database at {0}: {1}. Not ready until it answers; trying"
                            + " again every {2} s at most", database, lastCause, MAX_RETRY.toSeconds());
                }
                return Attempt.TRY_AGAIN;
            }
            String reason = reason(failure);
            state.failed(reason);
            // the cause in full once: a migration's or a setting's message is what the operator needs
            LOG.log(Level.ERROR, "Identity provider failed to start: " + reason + " (" + rootMessage(failure)
                    + "). Not tried again: fix it and redeploy", credentialsRefused(failure) ? null : failure);
            return Attempt.DONE;
        }
    }

    /**
     * True when the database could not be reached or did not serve yet: no answer, a refused or broken connection,
     * a host name that does not resolve yet, the server starting or shutting down, no connection slot free. A refusal
     * of the credentials or of the database's name counts as the operator's to fix, even inside such a wrapper.
     */
    static boolean isTransient(Throwable failure) {
        if (credentialsRefused(failure) || hasState(failure, "3D000")) {
            return false;
        }
        if (StoreException.unavailableIn(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String code = sql.getSQLState();
                // PostgreSQL Appendix A: 08 connection exception, 57P01-03 shutting down or starting, 53300 no slot
                if (code.startsWith("08") || code.startsWith("57P0") || code.equals("53300")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** 28000 invalid_authorization_specification (pg_hba.conf), 28P01 invalid_password. */
    private static boolean credentialsRefused(Throwable failure) {
        return hasState(failure, "28000") || hasState(failure, "28P01");
    }

    private static boolean hasState(Throwable failure, String code) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && code.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** A fixed sentence for readiness (public): it names what to fix, not the driver's or the database's words. */
    static String reason(Throwable failure) {
        if (credentialsRefused(failure)) {
            return "the database refused the provider's credentials: check IDENTITY_DB_USER and IDENTITY_DB_PASSWORD"
                    + " (or the container data source's) and redeploy";
        }
        if (hasState(failure, "3D000")) {
            return "the database named in IDENTITY_DB_URL (or the container data source) does not exist";
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidSettingException) {
                return "a setting is invalid; the log names it";
            }
            if (t.getClass().getName().startsWith("org.flywaydb.")) {
                return "the schema migration failed; the log says why";
            }
        }
        return "the start-up failed; the log says why";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? failure.toString() : failure + ", caused by " + root;
    }

    /** Stops trying (undeployed); a build under way finishes or fails first. */
    @Override
    public void close() {
        stopped = true;
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
