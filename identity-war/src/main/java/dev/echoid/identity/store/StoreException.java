package dev.echoid.identity.store;

/** The database failed; callers answer {@code server_error} and the cause goes to the log. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(Throwable cause) {
        super(cause);
    }
}
