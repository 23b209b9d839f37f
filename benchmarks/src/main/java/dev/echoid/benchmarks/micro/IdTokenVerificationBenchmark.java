package dev.echoid.benchmarks.micro;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.echo.oidc.IdTokenVerifier;
import dev.echoid.echo.oidc.JsonFetcher;
import dev.echoid.echo.oidc.JwkSet;
import dev.echoid.echo.oidc.ProviderDiscovery;
import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.ProviderMetadata;
import dev.echoid.echo.oidc.VerifiedIdentity;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
 * The gateway's {@link IdTokenVerifier} re-checking a session's ID token (signature, {@code iss}, {@code aud},
 * {@code exp}), which it does on every protected request. The token is one the provider's {@code JwtIssuer}
 * signed; discovery and the JWK Set are the provider's, served from memory as the gateway caches them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IdTokenVerificationBenchmark {

    @Param({"RS256", "ES256"})
    public String algorithm;

    private IdTokenVerifier verifier;
    private String idToken;

    @Setup
    public void signIn() {
        ProviderKeys provider = new ProviderKeys();
        Map<URI, JsonNode> documents = Map.of(
                ProviderMetadata.discoveryUri(ProviderKeys.ISSUER), provider.discovery(),
                ProviderKeys.jwksUri(), provider.jwks());
        JsonFetcher fetcher = uri -> Optional.ofNullable(documents.get(uri))
                .orElseThrow(() -> new ProviderException("not served here: " + uri));
        Clock clock = Clock.systemUTC();
        ProviderDiscovery discovery = new ProviderDiscovery(ProviderKeys.ISSUER, fetcher);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), fetcher, clock,
                JwkSet.DEFAULT_MIN_REFETCH_INTERVAL);
        verifier = new IdTokenVerifier(ProviderKeys.ISSUER, ProviderKeys.CLIENT_ID,
                Duration.ofSeconds(GatewaySettings.DEFAULT_CLOCK_SKEW_SECONDS), clock, discovery, keys);
        idToken = provider.idToken(algorithm);
        // the callback's check (with the nonce) fills the caches; what follows is the check of every request
        verifier.verify(idToken, ProviderKeys.NONCE);
    }

    @Benchmark
    public VerifiedIdentity verifyIdToken() {
        return verifier.verify(idToken);
    }
}
