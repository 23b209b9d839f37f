package dev.echoid.benchmarks.micro;

import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.security.RandomTokens;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One client secret check as every token request of a confidential client pays it: the HMAC-SHA-256 of a 256-bit
 * secret under the server key, compared in constant time with the stored one (a right and a wrong secret).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientSecretVerificationBenchmark {

    private ClientSecretHasher hasher;
    private String secret;
    private String wrong;
    private String stored;

    @Setup
    public void hashOnce() {
        hasher = new ClientSecretHasher(RandomTokens.bytes(32));
        secret = RandomTokens.base64Url(32);
        wrong = RandomTokens.base64Url(32);
        stored = hasher.hash(secret);
        if (!hasher.verify(secret, stored).matches() || hasher.verify(wrong, stored).matches()) {
            throw new IllegalStateException("the stored HMAC does not tell its secret from another");
        }
    }

    @Benchmark
    public ClientSecretHasher.Verification verifyClientSecret() {
        return hasher.verify(secret, stored);
    }

    @Benchmark
    public ClientSecretHasher.Verification verifyWrongClientSecret() {
        return hasher.verify(wrong, stored);
    }
}
