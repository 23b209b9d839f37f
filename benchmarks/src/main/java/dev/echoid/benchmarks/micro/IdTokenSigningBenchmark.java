package dev.echoid.benchmarks.micro;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ID token built and signed by the provider's {@code JwtIssuer}, as the token endpoint does for every code
 * redeemed and every refresh: RS256 with an RSA 2048 key (the default) or ES256 on P-256 (for clients that ask).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IdTokenSigningBenchmark {

    @Param({"RS256", "ES256"})
    public String algorithm;

    private ProviderKeys provider;

    @Setup
    public void generateKeys() {
        provider = new ProviderKeys();
    }

    @Benchmark
    public String signIdToken() {
        return provider.idToken(algorithm);
    }
}
