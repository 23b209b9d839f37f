package dev.echoid.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar, run as an operator would: java -jar target/identity-admin.jar ... (after package). */
class IdentityAdminJarIT {

    private static final Path JAR = Path.of(System.getProperty("identity.admin.jar", "target/identity-admin.jar"));

    private record Result(int status, String out, String err) {
    }

    @Test
    void helpThenUsageAndStatus0() throws Exception {
        Result result = run(Map.of(), "", "--help");

        assertThat(result.status()).isZero();
        assertThat(result.out()).startsWith("Usage: identity-admin").contains("user", "client", "keys", "audit");
    }

    @Test
    void noDatabaseSettingsThenStatus3() throws Exception {
        Result result = run(Map.of(), "", "user", "list");

        assertThat(result.status()).isEqualTo(3);
        assertThat(result.err()).contains("IDENTITY_DB_URL is not set");
    }

    @Test
    void onAFreshDatabaseThenMigratesCreatesAndListsQuietly() throws Exception {
        // the shaded jar must keep Flyway's and the driver's META-INF/services, and the migrations
        Map<String, String> settings = TestDatabase.fresh().settings();

        Result create = run(settings, "correct horse battery staple\n", "user", "create", "ada");
        Result list = run(settings, "", "user", "list", "--json");
        Result verify = run(settings, "", "audit", "verify");

        assertThat(create.status()).as(create.err()).isZero();
        assertThat(create.out().trim()).matches("[0-9a-f-]{36}");
        assertThat(create.err()).as("no INFO logs from the pool or Flyway").isEmpty();
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).contains("\"username\" : \"ada\"");
        assertThat(verify.status()).isZero();
        assertThat(verify.out()).startsWith("OK: 1 rows");
    }

    private static Result run(Map<String, String> environment, String stdin, String... args) throws Exception {
        assertThat(JAR).exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(concat(List.of(java.toString(), "-jar", JAR.toString()), args));
        builder.environment().keySet().removeIf(name -> name.startsWith("IDENTITY_"));
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("identity-admin", ".out");
        Path err = Files.createTempFile("identity-admin", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("identity-admin did not finish");
        }
        try {
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }
}
