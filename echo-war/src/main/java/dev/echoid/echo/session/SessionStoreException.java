package dev.echoid.echo.session;

/** The session store cannot be reached or refused a statement: the request is answered 503, never 500. */
public final class SessionStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SessionStoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
