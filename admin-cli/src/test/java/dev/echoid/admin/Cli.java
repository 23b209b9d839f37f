package dev.echoid.admin;

import dev.echoid.plumbing.SettingsSource;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs identity-admin in-process, as a script would: no terminal, stdin given, stdout and stderr captured. */
final class Cli {

    /** What one run left behind. */
    record Run(int status, String out, String err) {
    }

    private final Map<String, String> settings;

    Cli(Map<String, String> settings) {
        this.settings = new HashMap<>(settings);
    }

    Cli with(String name, String value) {
        Cli cli = new Cli(settings);
        cli.settings.put(name, value);
        return cli;
    }

    Cli without(String name) {
        Cli cli = new Cli(settings);
        cli.settings.remove(name);
        return cli;
    }

    Run run(String... args) {
        return runWithInput("", args);
    }

    Run runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status;
        try (AdminEnvironment environment = new AdminEnvironment(SettingsSource.of(settings),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null)) {
            CommandLine commandLine = IdentityAdmin.commandLine(environment);
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            status = commandLine.execute(args);
        }
        return new Run(status, out.toString(), err.toString());
    }
}
