package dev.echoid.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What identity-admin answers before it needs a database: help, version, usage errors, missing settings. */
class IdentityAdminUsageTest {

    private final Cli cli = new Cli(Map.of());

    @Test
    void helpWhenAskedOfEveryCommandThenUsageOnStdoutAndStatus0() {
        List<List<String>> commands = new ArrayList<>();
        collect(IdentityAdmin.commandLine(new AdminEnvironment(name -> java.util.Optional.empty(), System.in, null)),
                new ArrayList<>(), commands);
        assertThat(commands).hasSizeGreaterThanOrEqualTo(20);
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Cli.Run run = cli.run(args.toArray(String[]::new));
            assertThat(run.status()).as("%s --help", command).isZero();
            assertThat(run.out()).as("%s --help", command)
                    .startsWith("Usage: identity-admin" + (command.isEmpty() ? "" : " " + String.join(" ", command)))
                    .contains("Exit status:", "3   database unreachable");
            assertThat(run.err()).isEmpty();
        }
        assertThat(commands).contains(List.of("user", "create"), List.of("user", "reset-mfa"),
                List.of("client", "create"), List.of("keys", "rotate"), List.of("audit", "verify"));
    }

    @Test
    void versionWhenAskedThenProjectVersion() {
        Cli.Run run = cli.run("--version");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("identity-admin ").doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void passwordWhenGivenAsAnArgumentThenUnknownOptionAndStatus2() {
        Cli.Run run = cli.run("user", "create", "bob", "--password", "correct horse battery staple");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--password'")
                .doesNotContain("correct horse battery staple");
        assertThat(run.out()).isEmpty();
        Cli.Run withEquals = cli.run("user", "create", "bob", "--password=correct horse battery staple");
        assertThat(withEquals.status()).isEqualTo(2);
        assertThat(withEquals.err()).contains("Unknown option: '--password'")
                .doesNotContain("correct horse battery staple");
    }

    @Test
    void passwordWhenGivenAsASecondParameterThenRefusedWithStatus2() {
        Cli.Run run = cli.run("user", "create", "bob", "correct horse battery staple");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument").doesNotContain("correct horse battery staple");
    }

    @Test
    void commandWhenMissingOrUnknownThenStatus2() {
        assertThat(cli.run().status()).isEqualTo(2);
        assertThat(cli.run("user").status()).isEqualTo(2);
        assertThat(cli.run("users", "list").status()).isEqualTo(2);
        Cli.Run badAlg = cli.run("keys", "rotate", "--alg", "HS256");
        assertThat(badAlg.status()).isEqualTo(2);
        assertThat(badAlg.err()).contains("RS256", "ES256");
        assertThat(cli.run("keys", "rotate").status()).as("--alg is required").isEqualTo(2);
    }

    @Test
    void databaseWhenNotConfiguredThenStatus3AndTheSettingNamed() {
        Cli.Run run = cli.run("user", "list");
        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("IDENTITY_DB_URL is not set");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void databaseWhenUrlIsNotPostgresThenStatus3() {
        Cli.Run run = cli.with("IDENTITY_DB_URL", "jdbc:mysql://localhost/identity").run("client", "list");
        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("IDENTITY_DB_URL must be a jdbc:postgresql: URL");
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> next = new ArrayList<>(path);
            next.add(name);
            collect(sub, next, into);
        });
    }
}
