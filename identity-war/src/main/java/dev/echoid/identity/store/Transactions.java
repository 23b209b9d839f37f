package dev.echoid.identity.store;

import java.util.function.Function;

/** Runs a unit of work in one database transaction: all its writes commit together, or none does. */
public interface Transactions {

    /**
     * Runs {@code work} in a new transaction (read committed) and commits when it returns; a {@link RuntimeException}
     * from it (or from the commit) rolls everything back and is rethrown.
     */
    <T> T inTransaction(Function<Transaction, T> work);
}
