package dev.echoid.benchmarks.micro;

import dev.echoid.identity.security.Argon2id;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.security.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Argon2id verification with the production parameters (m = 19 MiB, t = 2, p = 1): every password sign-in pays
 * it (client secrets are HMACs now: {@link ClientSecretVerificationBenchmark}). By each {@link Argon2id}: libargon2
 * (native, the default where it loads) and BouncyCastle's, in the launcher's heap (its {@code -Xmx}, {@code -Xms}, heap
 * ratios and collector), where BouncyCastle's 19 MiB of Java objects per hash cost the collector.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx192m", "-Xms32m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
        "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PasswordVerificationBenchmark {

    private static final String PASSWORD = "correct horse battery staple";

    @Param({"native", "bouncycastle"})
    public String implementation;

    private PasswordHasher hasher;
    private String storedHash;

    @Setup
    public void hashOnce() {
        Argon2id argon2id = implementation.equals("native") ? Argon2id.preferred() : Argon2id.bouncyCastle();
        if (implementation.equals("native") && !argon2id.isNative()) {
            throw new IllegalStateException("libargon2 did not load here: see the warning above");
        }
        hasher = PasswordHasher.owaspDefault(HashingBudget.unbounded(), argon2id);
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
