package dev.echoid.admin;

/** The database cannot be reached or used, or its settings are missing or wrong: exit status 3. */
final class Unavailable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
