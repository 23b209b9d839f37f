package dev.echoid.identity.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * One unit of work: a connection with an open transaction, passed explicitly to the store methods that take part in
 * it. Made only by {@link Transactions}; its connection never leaves the {@code store} package.
 */
public final class Transaction {

    private static final Logger LOG = System.getLogger(Transaction.class.getName());

    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();

    Transaction(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /** Runs {@code action} once this transaction has committed (never when it rolls back), on the same thread. */
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /** Called by {@link Transactions} after the commit: what it starts is not part of the work, so it cannot undo it. */
    void committed() {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An action after a commit failed: " + e.getMessage(), e);
            }
        }
    }
}
