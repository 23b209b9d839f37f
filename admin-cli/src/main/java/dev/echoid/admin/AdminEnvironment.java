package dev.echoid.admin;

import dev.echoid.identity.config.Database;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.JdbcAuditLog;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the commands work with: the settings (the WAR's names, from the environment), the terminal or standard input
 * for passwords, and the database, opened and migrated on first use.
 */
final class AdminEnvironment implements AutoCloseable {

    /** One command needs few connections; {@code IDENTITY_DB_POOL_SIZE} still wins. */
    private static final String POOL_SIZE = "2";

    private final SettingsSource settings;
    private final InputStream stdin;
    private final Console console;
    private Database database;
    private JdbcAuditLog auditLog;

    /**
     * @param console the terminal to prompt on, or null to read a password as one line of {@code stdin}
     */
    AdminEnvironment(SettingsSource settings, InputStream stdin, Console console) {
        this.settings = settings;
        this.stdin = stdin;
        this.console = console;
    }

    /** The process's environment (or Java system properties), standard input and terminal. */
    static AdminEnvironment system() {
        return new AdminEnvironment(name -> firstNonBlank(System.getenv(name), System.getProperty(name)), System.in,
                terminal());
    }

    SettingsSource settings() {
        return settings;
    }

    /** The provider's database, with the provider's migrations applied (a fresh database works). */
    synchronized DataSource dataSource() {
        if (database == null) {
            if (settings.get(Database.URL).isEmpty()) {
                throw new Unavailable(Database.URL + " is not set (for example "
                        + "jdbc:postgresql://localhost:5432/identity, with IDENTITY_DB_USER and IDENTITY_DB_PASSWORD)",
                        null);
            }
            SettingsSource withSmallPool = name -> name.equals(Database.POOL_SIZE)
                    ? settings.get(name).or(() -> Optional.of(POOL_SIZE)) : settings.get(name);
            Database opened;
            try {
                opened = Database.open(withSmallPool);
            } catch (InvalidSettingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new Unavailable("cannot connect to the database: " + rootMessage(e), e);
            }
            try {
                opened.migrate();
            } catch (RuntimeException e) {
                opened.close();
                throw new Unavailable("cannot migrate the database: " + rootMessage(e), e);
            }
            database = opened;
        }
        return database.dataSource();
    }

    /** Whether {@code IDENTITY_DEV_MODE} is true: a development database, where the keys may be absent. */
    boolean devMode() {
        return settings.get(IdentitySettings.DEV_MODE).map(Boolean::parseBoolean).orElse(false);
    }

    /**
     * The audit trail to write to: keyed with {@code IDENTITY_AUDIT_KEY}, as the provider writes it (required unless
     * {@code IDENTITY_DEV_MODE} is true); rows written before the key are re-chained with it first.
     */
    synchronized JdbcAuditLog auditLog() {
        if (auditLog == null) {
            Optional<byte[]> key = IdentitySettings.auditKey(settings);
            if (key.isEmpty() && !devMode()) {
                throw new Unavailable(IdentitySettings.AUDIT_KEY + " is not set: give the provider's (the audit "
                        + "trail is keyed with it; IDENTITY_DEV_MODE=true for a development database)", null);
            }
            JdbcAuditLog log = new JdbcAuditLog(dataSource(), key);
            try {
                log.prepare();
            } catch (IllegalStateException e) {
                throw new Unavailable(e.getMessage(), e);
            }
            auditLog = log;
        }
        return auditLog;
    }

    /** The audit trail to read and verify: keyed when the key is given; verify says so when it is not. */
    JdbcAuditLog auditTrail() {
        return new JdbcAuditLog(dataSource(), IdentitySettings.auditKey(settings));
    }

    /** Records an operator's change in the audit trail; the detail names the tool and the OS user. */
    void audit(AuditEvent.Type type, String clientId, UUID userId, String username, String detail) {
        auditLog().record(AuditEvent.success(type, clientId, userId, username, null,
                detail + " (identity-admin, OS user " + System.getProperty("user.name") + ")"));
    }

    /**
     * A new password: typed twice on the terminal with echo off, or, when standard input is not a terminal (a
     * script), its first line. Never from the command line, where other users and the shell history see it.
     */
    String readNewPassword(String username) {
        if (console != null) {
            char[] first = console.readPassword("New password for %s: ", username);
            char[] second = first == null ? null : console.readPassword("Repeat the password: ");
            try {
                if (first == null || second == null) {
                    throw new Failure("no password given");
                }
                if (!Arrays.equals(first, second)) {
                    throw new Failure("the two passwords differ");
                }
                return new String(first);
            } finally {
                wipe(first);
                wipe(second);
            }
        }
        try {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new Failure("no password given: standard input is empty (give it as the first line)");
            }
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks on the terminal whether to go on; false (refused) without a terminal. */
    boolean confirm(String question) {
        if (console == null) {
            return false;
        }
        String answer = console.readLine("%s [y/N] ", question);
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }

    boolean interactive() {
        return console != null;
    }

    @Override
    public synchronized void close() {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** System.console(), unless it is not a terminal (from JDK 22 it may exist with input redirected). */
    private static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            Object terminal = Console.class.getMethod("isTerminal").invoke(console);
            return Boolean.TRUE.equals(terminal) ? console : null;
        } catch (ReflectiveOperationException beforeJdk22) {
            return console;
        }
    }

    private static Optional<String> firstNonBlank(String... values) {
        return Arrays.stream(values).filter(v -> v != null && !v.isBlank()).map(String::trim).findFirst();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }
}
