package dev.echoid.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code identity-admin}: the provider's users, clients, signing keys and audit trail, from the command line, on the
 * provider's own database (the WAR's settings, the WAR's migrations). Data goes to stdout, messages to stderr; the
 * exit statuses are in {@link ExitStatus}.
 */
@Command(name = "identity-admin",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = IdentityAdmin.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Administers the EchoID identity provider: users, clients, signing keys, secrets, audit trail.",
            "Database: IDENTITY_DB_URL, IDENTITY_DB_USER, IDENTITY_DB_PASSWORD (environment), migrated first.",
            "IDENTITY_KEY_ENCRYPTION_KEY and IDENTITY_AUDIT_KEY (the provider's; required unless "
                    + "IDENTITY_DEV_MODE=true), IDENTITY_PASSWORD_MIN_LENGTH, IDENTITY_KEY_PUBLISH_DELAY_SECONDS are "
                    + "honoured as by the provider; client create needs IDENTITY_CLIENT_SECRET_KEY (the provider's)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:done",
            "1:the operation failed (not found, exists, invalid, audit chain broken)",
            "2:usage error",
            "3:database unreachable, or its settings or keys missing or wrong (audit chain cannot be verified)"},
        subcommands = {UserCommand.class, ClientCommand.class, KeysCommand.class, SecretsCommand.class,
            AuditTrailCommand.class})
public final class IdentityAdmin implements Runnable {

    final AdminEnvironment environment;

    @Spec
    CommandSpec spec;

    IdentityAdmin(AdminEnvironment environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        // the provider's INFO logs (pool, migrations) would bury the answer; warnings still reach stderr
        Logger.getLogger("").setLevel(Level.WARNING);
        int status;
        try (AdminEnvironment environment = AdminEnvironment.system()) {
            CommandLine commandLine = commandLine(environment);
            status = commandLine.execute(args);
            // picocli's writers flush on println only; System.exit would lose what print() wrote
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
        System.exit(status);
    }

    /** The command tree on {@code environment}, with the exit statuses of {@link ExitStatus}. */
    static CommandLine commandLine(AdminEnvironment environment) {
        CommandLine commandLine = new CommandLine(new IdentityAdmin(environment));
        commandLine.setExecutionExceptionHandler(new ExitStatus());
        commandLine.setParameterExceptionHandler(new UsageErrors());
        commandLine.setExecutionStrategy(parseResult -> {
            if (changes(parseResult)) {
                try {
                    // before the change, not after: no operator's change may go unrecorded, or recorded unkeyed
                    environment.auditLog();
                } catch (RuntimeException e) {
                    throw new CommandLine.ExecutionException(commandLine, e.getMessage(), e);
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /** The commands that only read (everything else changes something, recorded in the audit trail). */
    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("user list", "client list", "keys list",
            "audit verify", "audit login", "audit user", "audit client");

    private static boolean changes(ParseResult parseResult) {
        java.util.List<CommandLine> commands = parseResult.asCommandLineList();
        for (CommandLine command : commands) {
            if (command.isUsageHelpRequested() || command.isVersionHelpRequested()) {
                return false;
            }
        }
        CommandLine last = commands.get(commands.size() - 1);
        if (last.getCommandSpec().parent() == null || !last.getSubcommands().isEmpty()) {
            return false; // no command: the usage error says so
        }
        String name = last.getCommandSpec().parent().name() + " " + last.getCommandSpec().name();
        return !READ_ONLY.contains(name);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: user, client, keys, secrets or audit");
    }

    /** The project version, from version.properties (filtered by Maven). */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = IdentityAdmin.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"identity-admin " + properties.getProperty("version", "unknown")};
        }
    }
}
