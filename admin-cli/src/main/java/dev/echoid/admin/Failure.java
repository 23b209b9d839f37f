package dev.echoid.admin;

/** The operation could not be done (not found, already exists, refused by validation): exit status 1. */
final class Failure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Failure(String message) {
        super(message);
    }
}
