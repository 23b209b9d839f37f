package dev.echoid.admin;

import dev.echoid.identity.audit.AuditCommand;
import dev.echoid.identity.audit.AuditJson;
import dev.echoid.identity.audit.AuditQuery;
import dev.echoid.identity.store.AuditRecord;
import dev.echoid.identity.store.AuditTrail;
import dev.echoid.identity.store.AuditTrail.Verification;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code identity-admin audit ...}: the hash-chained audit trail, with the questions and answers of the provider's
 * {@link AuditCommand} and {@code /admin/audit} ({@link AuditQuery}, {@link AuditJson}).
 */
@Command(name = "audit", description = "Verify the audit trail's hash chain; print the events of a login, user or "
        + "client.")
final class AuditTrailCommand implements Runnable {

    private static final String INSTANT = "ISO-8601 instant, e.g. 2025-01-31T08:00:00Z";

    @ParentCommand
    IdentityAdmin root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: verify, login, user or client");
    }

    @Command(name = "verify", description = {"Checks the whole hash chain: prints OK, the row count and the last "
            + "row's hash (keep it elsewhere), or BROKEN at row N and what is wrong there.",
        "Needs IDENTITY_AUDIT_KEY (the provider's): the chain is an HMAC under it.",
        "Exit status 1 when the chain is broken, 3 when it cannot be verified (the key not set, or not the chain's)."})
    int verify(@Option(names = "--json", description = "print JSON") boolean json) {
        Verification verification = trail().verify();
        if (json) {
            Listing.json(out(), AuditJson.verification(verification));
        } else {
            out().print(AuditCommand.verificationText(verification));
        }
        return switch (verification.status()) {
            case OK -> ExitStatus.OK;
            case BROKEN -> ExitStatus.FAILED;
            case UNVERIFIED -> ExitStatus.UNAVAILABLE;
        };
    }

    @Command(name = "login", description = "Prints every event of one sign-in, in order.")
    int login(@Parameters(paramLabel = "LOGIN_ID", description = "the login_id claim of its ID token") String loginId,
            @Option(names = "--json", description = "print JSON") boolean json) {
        return print("login", AuditQuery.Kind.LOGIN, loginId, null, null, json);
    }

    @Command(name = "user", description = "Prints the events of one user (also failed attempts for the name).")
    int user(@Parameters(paramLabel = "USER", description = "user name or id") String user,
            @Option(names = "--from", paramLabel = "INSTANT", description = "from (inclusive), " + INSTANT)
            String from,
            @Option(names = "--to", paramLabel = "INSTANT", description = "to (exclusive), " + INSTANT) String to,
            @Option(names = "--json", description = "print JSON") boolean json) {
        return print("user", AuditQuery.Kind.USER, user, from, to, json);
    }

    @Command(name = "client", description = "Prints the events of one client.")
    int client(@Parameters(paramLabel = "CLIENT_ID") String clientId,
            @Option(names = "--from", paramLabel = "INSTANT", description = "from (inclusive), " + INSTANT)
            String from,
            @Option(names = "--to", paramLabel = "INSTANT", description = "to (exclusive), " + INSTANT) String to,
            @Option(names = "--json", description = "print JSON") boolean json) {
        return print("client", AuditQuery.Kind.CLIENT, clientId, from, to, json);
    }

    private int print(String command, AuditQuery.Kind kind, String value, String from, String to, boolean json) {
        AuditQuery query;
        try {
            query = AuditQuery.of(kind, value, from, to);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine().getSubcommands().get(command), e.getMessage());
        }
        List<AuditRecord> records = query.run(trail());
        if (json) {
            Listing.json(out(), AuditJson.events(query, records));
        } else {
            out().print(AuditCommand.eventsText(records));
        }
        return ExitStatus.OK;
    }

    private AuditTrail trail() {
        return root.environment.auditTrail();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
