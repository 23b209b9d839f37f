package dev.echoid.identity.store;

import java.sql.Connection;

/**
 * One unit of work: a connection with an open transaction, passed explicitly to the store methods that take part in
 * it. Made only by {@link Transactions}; its connection never leaves the {@code store} package.
 */
public final class Transaction {

    private final Connection connection;

    Transaction(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }
}
