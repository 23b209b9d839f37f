package dev.echoid.identity.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.echoid.identity.config.Database;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditRecord;
import dev.echoid.identity.store.AuditTrail;
import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.identity.store.StoreException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The audit trail from the command line: verify the hash chain, or print the events of one login, one user or one
 * client. Reads {@code IDENTITY_DB_URL}, {@code IDENTITY_DB_USER}, {@code IDENTITY_DB_PASSWORD} and
 * {@code IDENTITY_AUDIT_KEY} from the environment (or Java system properties). Exit status: 0 done (chain intact),
 * 1 chain broken, 2 usage error, 3 the database could not be read or the chain could not be verified (the audit key
 * not set, or not the chain's).
 *
 * <p>From the repository root: {@code mvn -q -pl identity-war compile exec:java@audit -Dexec.args="verify"}.
 */
public final class AuditCommand {

    public static final int OK = 0;
    public static final int BROKEN = 1;
    public static final int USAGE = 2;
    public static final int FAILED = 3;

    static final String USAGE_TEXT = """
            usage: audit verify
                   audit login <login-id>
                   audit user <user-name-or-id> [--from <instant>] [--to <instant>]
                   audit client <client-id> [--from <instant>] [--to <instant>]
                   add --json to print JSON; instants are ISO-8601, e.g. 2025-01-31T08:00:00Z
            Reads IDENTITY_DB_URL, IDENTITY_DB_USER, IDENTITY_DB_PASSWORD, IDENTITY_AUDIT_KEY from the environment.
            Exit status: 0 done (chain intact), 1 chain broken, 2 usage error,
            3 database error, or cannot verify (IDENTITY_AUDIT_KEY not set or not the chain's key).""";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, name -> java.util.Optional.ofNullable(System.getenv(name))
                .or(() -> java.util.Optional.ofNullable(System.getProperty(name))).filter(v -> !v.isBlank()),
                System.out, System.err);
        if (status != OK) {
            System.exit(status);
        }
    }

    /** Runs the command against the database {@code settings} name; returns the exit status. */
    public static int run(String[] args, SettingsSource settings, PrintStream out, PrintStream err) {
        Request request;
        try {
            request = Request.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("audit: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (request == null) {
            out.println(USAGE_TEXT);
            return OK;
        }
        Optional<byte[]> auditKey;
        try {
            auditKey = IdentitySettings.auditKey(settings);
        } catch (InvalidSettingException e) {
            err.println("audit: " + e.getMessage());
            return FAILED;
        }
        Database database;
        try {
            database = Database.open(settings);
        } catch (InvalidSettingException | StoreException | IllegalStateException e) {
            err.println("audit: cannot open the database: " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            err.println("audit: cannot open the database: " + e);
            return FAILED;
        }
        try {
            return request.run(new JdbcAuditLog(database.dataSource(), auditKey), out);
        } catch (StoreException e) {
            err.println("audit: the database failed: " + e.getCause());
            return FAILED;
        } finally {
            database.close();
        }
    }

    private record Request(AuditQuery query, boolean json) {

        /** Null for --help. */
        static Request parse(String[] args) {
            List<String> words = new ArrayList<>(List.of(args));
            if (words.contains("--help") || words.contains("-h")) {
                return null;
            }
            boolean json = words.remove("--json");
            String from = option(words, "--from");
            String to = option(words, "--to");
            if (words.isEmpty()) {
                throw new IllegalArgumentException("no command");
            }
            String command = words.remove(0);
            if (command.equals("verify")) {
                if (!words.isEmpty() || from != null || to != null) {
                    throw new IllegalArgumentException("verify takes no arguments");
                }
                return new Request(null, json);
            }
            AuditQuery.Kind kind = switch (command) {
                case "login" -> AuditQuery.Kind.LOGIN;
                case "user" -> AuditQuery.Kind.USER;
                case "client" -> AuditQuery.Kind.CLIENT;
                default -> throw new IllegalArgumentException("unknown command '" + command + "'");
            };
            if (words.size() != 1 || words.get(0).startsWith("--")) {
                throw new IllegalArgumentException(command + " takes exactly one " + command + " (and options)");
            }
            return new Request(AuditQuery.of(kind, words.get(0), from, to), json);
        }

        private static String option(List<String> words, String name) {
            int at = words.indexOf(name);
            if (at < 0) {
                return null;
            }
            if (at + 1 >= words.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = words.remove(at + 1);
            words.remove(at);
            if (words.contains(name)) {
                throw new IllegalArgumentException(name + " given twice");
            }
            return value;
        }

        int run(AuditTrail trail, PrintStream out) {
            if (query == null) {
                Verification verification = trail.verify();
                print(out, AuditJson.verification(verification), () -> verificationText(verification));
                return switch (verification.status()) {
                    case OK -> OK;
                    case BROKEN -> BROKEN;
                    case UNVERIFIED -> FAILED;
                };
            }
            List<AuditRecord> records = query.run(trail);
            print(out, AuditJson.events(query, records), () -> eventsText(records));
            return OK;
        }

        private void print(PrintStream out, Object asJson, Supplier<String> asText) {
            if (json) {
                try {
                    out.println(JSON.writeValueAsString(asJson));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                out.print(asText.get());
            }
        }
    }

    public static String verificationText(Verification verification) {
        if (verification.status() == AuditTrail.Status.UNVERIFIED) {
            return "UNVERIFIED: " + verification.problem() + "\n";
        }
        if (verification.intact()) {
            return "OK: " + verification.rowsChecked() + " rows, the chain is intact; last row "
                    + verification.lastId() + " hash " + verification.lastHash()
                    + (verification.pending() == 0 ? "" : "; " + verification.pending()
                            + " rows pending (inserted, not chained yet)") + "\n";
        }
        return "BROKEN" + (verification.brokenRowId() == null ? "" : " at row " + verification.brokenRowId()) + ": "
                + verification.problem() + " (" + verification.rowsChecked() + " rows read; intact up to row "
                + verification.lastId() + ")\n";
    }

    public static String eventsText(List<AuditRecord> records) {
        StringBuilder text = new StringBuilder();
        for (AuditRecord record : records) {
            AuditEvent e = record.event();
            text.append(String.format(Locale.ROOT, "%-8d %s %-24s %-7s login=%s client=%s user=%s username=%s "
                            + "remote=%s%s%n", record.id(), e.occurredAt(), e.type(),
                    e.outcome().name().toLowerCase(Locale.ROOT), e.loginId(), e.clientId(), e.userId(),
                    printable(e.username()), e.remoteAddress(),
                    e.detail() == null ? "" : " | " + printable(e.detail())));
        }
        text.append(records.size()).append(records.size() == 1 ? " event\n" : " events\n");
        return text.toString();
    }

    /** Stored text may be attacker-chosen (a typed user name): no control characters reach the terminal. */
    private static String printable(String value) {
        return value == null ? null : value.replaceAll("\\p{Cntrl}", "?");
    }
}
