package dev.echoid.identity.store;

/** Opens and commits a {@link Transaction} without a connection, for the in-memory stores of the fast tests. */
public final class TestTransactions {

    private TestTransactions() {
    }

    public static Transaction open() {
        return new Transaction(null);
    }

    /** Runs what was deferred to the commit ({@link Transaction#afterCommit}), as a JDBC commit does. */
    public static void commit(Transaction tx) {
        tx.committed();
    }
}
