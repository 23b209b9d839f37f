package dev.echoid.benchmarks.micro;

import dev.echoid.identity.security.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Argon2id verification with the production parameters (m = 19 MiB, t = 2, p = 1): every password sign-in pays
 * it (client secrets are HMACs now: {@link ClientSecretVerificationBenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PasswordVerificationBenchmark {

    private static final String PASSWORD = "correct horse battery staple";

    private PasswordHasher hasher;
    private String storedHash;

    @Setup
    public void hashOnce() {
        hasher = PasswordHasher.owaspDefault();
        storedHash = hasher.hash(PASSWORD);
        if (!hasher.verify(PASSWORD, storedHash)) {
            throw new IllegalStateException("the stored hash does not verify its own password");
        }
    }

    @Benchmark
    public boolean verifyPassword() {
        return hasher.verify(PASSWORD, storedHash);
    }

    /** Two at once, as on a 2-core server under load: each pass sweeps 19 MiB, so they compete for memory. */
    @Benchmark
    @Threads(2)
    public boolean verifyPasswordTwoAtOnce() {
        return hasher.verify(PASSWORD, storedHash);
    }
}
