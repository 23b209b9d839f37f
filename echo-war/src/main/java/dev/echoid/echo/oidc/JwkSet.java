package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The provider's signing keys, cached. A token whose {@code kid} is not cached triggers one refetch (the provider
 * may have rotated its keys), at most once per {@link #DEFAULT_MIN_REFETCH_INTERVAL}, so forged {@code kid}s cannot
 * turn the gateway into a load generator against the provider.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys">OpenID Connect Core 1.0
 *         §10.1.1</a>
 */
public final class JwkSet {

    public static final Duration DEFAULT_MIN_REFETCH_INTERVAL = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(JwkSet.class.getName());

    private final Supplier<URI> jwksUri;
    private final JsonFetcher fetcher;
    private final Clock clock;
    private final Duration minRefetchInterval;
    private final CryptoProvider crypto;

    private volatile List<Jwk> keys;
    private Instant lastFetch = Instant.MIN;

    public JwkSet(Supplier<URI> jwksUri, JsonFetcher fetcher, Clock clock, Duration minRefetchInterval) {
        this(jwksUri, fetcher, clock, minRefetchInterval, CryptoProvider.preferred());
    }

    /** @param crypto the JCA provider the keys are read through and verify with */
    public JwkSet(Supplier<URI> jwksUri, JsonFetcher fetcher, Clock clock, Duration minRefetchInterval,
            CryptoProvider crypto) {
        this.crypto = crypto;
        this.jwksUri = jwksUri;
        this.fetcher = fetcher;
        this.clock = clock;
        this.minRefetchInterval = minRefetchInterval;
    }

    /** The JCA provider these keys verify with. */
    public CryptoProvider crypto() {
        return crypto;
    }

    /**
     * The key to verify a token with header {@code kid} (may be null) and {@code alg}.
     *
     * @throws IdTokenException  with {@link IdTokenException.Reason#UNKNOWN_KEY} when no cached or refetched key fits
     * @throws ProviderException when the JWK Set cannot be fetched
     */
    public Jwk keyFor(String kid, String alg) {
        List<Jwk> current = keys;
        if (current == null) {
            current = load(false);
        }
        Jwk found = find(current, kid, alg);
        if (found != null) {
            return found;
        }
        found = find(load(true), kid, alg);
        if (found != null) {
            return found;
        }
        throw new IdTokenException(IdTokenException.Reason.UNKNOWN_KEY,
                "no signing key in the provider's JWK Set fits kid=" + kid + " alg=" + alg);
    }

    private synchronized List<Jwk> load(boolean refetch) {
        Instant now = clock.instant();
        if (keys != null && (!refetch || now.isBefore(lastFetch.plus(minRefetchInterval)))) {
            return keys;
        }
        URI uri = jwksUri.get();
        JsonNode json = fetcher.fetch(uri);
        List<Jwk> parsed = new ArrayList<>();
        JsonNode array = json.get("keys");
        if (array == null || !array.isArray()) {
            throw new ProviderException("JWK Set at " + uri + " has no keys array");
        }
        array.forEach(k -> Jwk.parse(k, crypto).ifPresent(parsed::add));
        keys = List.copyOf(parsed);
        lastFetch = now;
        LOG.log(System.Logger.Level.INFO, "Loaded {0} signing key(s) from {1}", parsed.size(), uri);
        return keys;
    }

    private static Jwk find(List<Jwk> keys, String kid, String alg) {
        List<Jwk> candidates = new ArrayList<>();
        for (Jwk key : keys) {
            if (key.fits(alg) && (kid == null || kid.equals(key.kid()))) {
                candidates.add(key);
            }
        }
        // Without a kid a token may only be checked against an unambiguous key (OIDC Core §10.1).
        return candidates.size() == 1 ? candidates.get(0) : null;
    }
}
