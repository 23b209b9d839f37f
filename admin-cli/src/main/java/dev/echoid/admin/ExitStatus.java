package dev.echoid.admin;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.identity.store.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The exit statuses a script can rely on, and the one place that turns a failure into a message on stderr and a
 * status. Usage errors (2) are picocli's own.
 */
final class ExitStatus implements IExecutionExceptionHandler {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;


    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (e instanceof Failure) {
            err.println("identity-admin: " + e.getMessage());
            return FAILED;
        }
        if (e instanceof Unavailable) {
            err.println("identity-admin: " + e.getMessage());
            return UNAVAILABLE;
        }
        if (e instanceof InvalidSettingException) {
            err.println("identity-admin: " + e.getMessage());
            return UNAVAILABLE;
        }
        if (e instanceof StoreException) {
            err.println("identity-admin: the database failed: " + e.getCause());
            return UNAVAILABLE;
        }
        err.println("identity-admin: unexpected error: " + e);
        return FAILED;
    }
}
