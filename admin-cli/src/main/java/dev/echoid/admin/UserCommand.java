package dev.echoid.admin;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.login.UserName;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.JdbcLoginThrottles;
import dev.echoid.identity.store.JdbcTotpCredentials;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.LoginThrottles;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-admin user ...}: the provider's end users. */
@Command(name = "user", description = "Create, list, disable, enable and delete users; reset a second factor; unlock.")
final class UserCommand implements Runnable {

    private static final int MAX_USERNAME_LENGTH = 200;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    @ParentCommand
    IdentityAdmin root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing command: create, list, disable, enable, delete, reset-mfa or unlock");
    }

    @Command(name = "create", description = {
        "Creates a user and prints its id (the sub claim of its tokens).",
        "The password is asked twice on the terminal, not echoed. When standard input is not a terminal (a script), "
                + "its first line is the password. It is never taken from the command line.",
        "It must have IDENTITY_PASSWORD_MIN_LENGTH characters (default 12)."})
    int create(@Parameters(paramLabel = "USERNAME", description = "the sign-in name (case-insensitive, unique)")
            String username,
            @Option(names = "--name", paramLabel = "FULL_NAME", description = "the name claim") String name,
            @Option(names = "--email", paramLabel = "ADDRESS", description = "the email claim") String email,
            @Option(names = "--email-verified", description = "the address is known to be the user's")
            boolean emailVerified) {
        checkUsername(username);
        if (email != null && !email.matches("[^\\s@]+@[^\\s@]+")) {
            throw new Failure("--email must be an address like ada@example.com");
        }
        if (name != null && (name.isBlank() || CONTROL.matcher(name).find())) {
            throw new Failure("--name must be printable text");
        }
        LoginPolicy policy = LoginPolicy.from(root.environment.settings());
        Users users = users();
        if (users.findByUsername(username).isPresent()) {
            throw new Failure("a user named " + username + " exists");
        }
        String password = root.environment.readNewPassword(username);
        policy.problemWithNewPassword(password).ifPresent(problem -> {
            throw new Failure("the password " + problem);
        });
        User user = new User(UUID.randomUUID(), username, PasswordHasher.owaspDefault().hash(password), name, email,
                emailVerified, true);
        if (!users.createIfAbsent(user)) {
            throw new Failure("a user named " + username + " exists");
        }
        root.environment.audit(AuditEvent.Type.USER_CREATED, null, user.id(), username, "user created");
        out().println(user.id());
        return ExitStatus.OK;
    }

    @Command(name = "list", description = "Lists the users: name, id, enabled, second factor, locked, full name, email.")
    int list(@Option(names = "--json", description = "print JSON") boolean json) {
        DataSource dataSource = root.environment.dataSource();
        JdbcTotpCredentials totp = new JdbcTotpCredentials(dataSource);
        LoginThrottles throttles = new JdbcLoginThrottles(dataSource);
        Instant now = Instant.now();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (User user : users().list()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("username", user.username());
            row.put("id", user.id().toString());
            row.put("enabled", user.enabled());
            row.put("mfa", totp.find(user.id()).isPresent());
            row.put("locked_until", throttles.lockedUntil(BruteForceProtection.userKey(user.username()), now)
                    .map(Instant::toString).orElse(null));
            row.put("name", user.name());
            row.put("email", user.email());
            row.put("email_verified", user.emailVerified());
            rows.add(row);
        }
        PrintWriter out = out();
        if (json) {
            Listing.json(out, rows);
            return ExitStatus.OK;
        }
        out.printf(Locale.ROOT, "%-24s %-36s %-8s %-4s %-20s %-24s %s%n", "USERNAME", "ID", "ENABLED", "MFA",
                "LOCKED_UNTIL", "NAME", "EMAIL");
        for (Map<String, Object> row : rows) {
            out.printf(Locale.ROOT, "%-24s %-36s %-8s %-4s %-20s %-24s %s%n", Listing.printable(row.get("username")),
                    row.get("id"), yesNo(row.get("enabled")), yesNo(row.get("mfa")),
                    Listing.printable(row.get("locked_until")), Listing.printable(row.get("name")),
                    Listing.printable(row.get("email")));
        }
        return ExitStatus.OK;
    }

    @Command(name = "disable", description = {"Stops the user from signing in.",
        "Their single sign-on sessions and refresh tokens stop working at once, and /userinfo and /introspect "
                + "refuse their access tokens; a resource server that checks signatures alone accepts those until "
                + "they expire."})
    int disable(@Parameters(paramLabel = "USERNAME") String username) {
        return setEnabled(username, false);
    }

    @Command(name = "enable", description = "Lets a disabled user sign in again.")
    int enable(@Parameters(paramLabel = "USERNAME") String username) {
        return setEnabled(username, true);
    }

    @Command(name = "delete", description = {"Deletes the user with their sessions, grants, tokens and second factor.",
        "The audit trail keeps their events. Asks first on a terminal; a script must give --yes."})
    int delete(@Parameters(paramLabel = "USERNAME") String username,
            @Option(names = "--yes", description = "do not ask") boolean yes) {
        User user = existing(username);
        if (!yes) {
            if (!root.environment.interactive()) {
                throw new ParameterException(spec.commandLine().getSubcommands().get("delete"),
                        "Refusing to delete without --yes when standard input is not a terminal");
            }
            if (!root.environment.confirm("Delete user " + user.username() + " (" + user.id() + ")?")) {
                throw new Failure("not deleted");
            }
        }
        if (!users().delete(user.id())) {
            throw new Failure("no user named " + username);
        }
        LoginThrottles throttles = new JdbcLoginThrottles(root.environment.dataSource());
        throttles.forgetUser(UserName.canonical(user.username()));
        throttles.reset(BruteForceProtection.secondFactorKey(user.id()));
        root.environment.audit(AuditEvent.Type.USER_DELETED, null, user.id(), user.username(), "user deleted");
        out().println("deleted " + user.username());
        return ExitStatus.OK;
    }

    @Command(name = "reset-mfa", description = {"Removes the user's second factor (TOTP), e.g. after a lost phone.",
        "They enrol again after their next password sign-in (or when a client or IDENTITY_MFA_REQUIRED asks)."})
    int resetMfa(@Parameters(paramLabel = "USERNAME") String username) {
        User user = existing(username);
        DataSource dataSource = root.environment.dataSource();
        boolean removed = new JdbcTotpCredentials(dataSource).delete(user.id());
        new JdbcLoginThrottles(dataSource).reset(BruteForceProtection.secondFactorKey(user.id()));
        root.environment.audit(AuditEvent.Type.MFA_ENROLMENT, null, user.id(), user.username(),
                removed ? "second factor removed by an operator" : "had no second factor");
        out().println(removed ? "removed the second factor of " + user.username()
                : user.username() + " had no second factor");
        return ExitStatus.OK;
    }

    @Command(name = "unlock", description = {"Clears the failed sign-ins counted against a user name (from each "
            + "address, each known browser, all addresses and, for an existing user, their second step), ending a "
            + "lock by the brute-force defence.",
        "Works for names without an account too, as the defence counts those."})
    int unlock(@Parameters(paramLabel = "USERNAME") String username) {
        checkUsername(username);
        LoginThrottles throttles = new JdbcLoginThrottles(root.environment.dataSource());
        // every key of the name: its pairs with client addresses, its known browsers, all addresses, second step
        boolean hadFailures = throttles.forgetUser(UserName.canonical(username));
        User user = users().findByUsername(username).orElse(null);
        if (user != null) {
            hadFailures |= throttles.reset(BruteForceProtection.secondFactorKey(user.id()));
        }
        root.environment.audit(AuditEvent.Type.ACCOUNT_UNLOCKED, null, user == null ? null : user.id(), username,
                hadFailures ? "failures cleared by an operator" : "nothing to clear");
        out().println(hadFailures ? "unlocked " + username : username + " had no failed sign-ins to clear");
        return ExitStatus.OK;
    }

    private int setEnabled(String username, boolean enabled) {
        User user = existing(username);
        if (!users().setEnabled(user.id(), enabled)) {
            throw new Failure("no user named " + username);
        }
        root.environment.audit(enabled ? AuditEvent.Type.USER_ENABLED : AuditEvent.Type.USER_DISABLED, null,
                user.id(), user.username(), enabled ? "user enabled" : "user disabled");
        out().println((enabled ? "enabled " : "disabled ") + user.username());
        return ExitStatus.OK;
    }

    private User existing(String username) {
        checkUsername(username);
        return users().findByUsername(username).orElseThrow(() -> new Failure("no user named " + username));
    }

    private static void checkUsername(String username) {
        if (username.isBlank() || !username.equals(username.trim()) || username.length() > MAX_USERNAME_LENGTH
                || CONTROL.matcher(username).find()) {
            throw new Failure("a user name is 1 to " + MAX_USERNAME_LENGTH
                    + " printable characters, without spaces at either end");
        }
    }

    private Users users() {
        return new JdbcUsers(root.environment.dataSource());
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static String yesNo(Object value) {
        return Boolean.TRUE.equals(value) ? "yes" : "no";
    }
}
