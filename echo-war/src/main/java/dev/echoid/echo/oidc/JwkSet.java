package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.plumbing.CryptoProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The provider's signing keys, cached for as long as the provider's {@code Cache-Control: max-age} allows
 * ({@link #DEFAULT_MAX_AGE} when it says nothing, at most {@link #LONGEST_MAX_AGE}). Each fetch replaces the whole
 * set, so a key the provider withdrew stops verifying once the cached set has expired. A token whose {@code kid} is
 * not cached triggers one refetch (the provider may have rotated its keys); every fetch, whether for an expired set
 * or an unknown {@code kid}, happens at most once per {@link #DEFAULT_MIN_REFETCH_INTERVAL}, so forged {@code kid}s
 * cannot turn the gateway into a load generator against the provider. While the provider cannot be reached, the
 * expired set keeps verifying (signed-in users keep being served) and a fetch is retried once per interval.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys">OpenID Connect Core 1.0
 *         §10.1.1</a>
 */
public final class JwkSet {

    public static final Duration DEFAULT_MIN_REFETCH_INTERVAL = Duration.ofSeconds(10);
    /** How long a JWK Set is used when its answer carries no {@code max-age}. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    /** A longer {@code max-age} is cut to this, so a withdrawn key never verifies for more than a day. */
    static final Duration LONGEST_MAX_AGE = Duration.ofDays(1);
    private static final System.Logger LOG = System.getLogger(JwkSet.class.getName());

    private final Supplier<URI> jwksUri;
    private final JsonFetcher fetcher;
    private final Clock clock;
    private final Duration minRefetchInterval;
    private final CryptoProvider crypto;

    private volatile List<Jwk> keys;
    private volatile Instant expiresAt = Instant.MIN;
    private Instant lastAttempt = Instant.MIN;

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
     * @throws ProviderException when the JWK Set cannot be fetched and none was cached
     */
    public Jwk keyFor(String kid, String alg) {
        List<Jwk> current = keys;
        if (current == null || !clock.instant().isBefore(expiresAt)) {
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

    /** @param unknownKid a token named a key the cached set lacks: refetch even a fresh set (rate-limited) */
    private synchronized List<Jwk> load(boolean unknownKid) {
        Instant now = clock.instant();
        if (keys != null) {
            boolean fresh = now.isBefore(expiresAt);
            if ((fresh && !unknownKid) || now.isBefore(lastAttempt.plus(minRefetchInterval))) {
                return keys;
            }
        }
        lastAttempt = now;
        URI uri = jwksUri.get();
        JsonFetcher.Fetched fetched;
        try {
            fetched = fetcher.fetchWithMaxAge(uri);
        } catch (ProviderException unreachable) {
            if (keys == null || unknownKid) {
                throw unreachable;
            }
            LOG.log(System.Logger.Level.WARNING, "Cannot refresh the JWK Set from {0}, still using the one fetched"
                    + " before: {1}", uri, unreachable.getMessage());
            return keys;
        }
        List<Jwk> parsed = new ArrayList<>();
        JsonNode array = fetched.json().get("keys");
        if (array == null || !array.isArray()) {
            throw new ProviderException("JWK Set at " + uri + " has no keys array");
        }
        array.forEach(k -> Jwk.parse(k, crypto).ifPresent(parsed::add));
        // OIDC Core §10.1.1: the set fetched replaces the cached one whole; a withdrawn key is gone
        keys = List.copyOf(parsed);
        Duration maxAge = fetched.maxAge().orElse(DEFAULT_MAX_AGE);
        expiresAt = now.plus(maxAge.compareTo(LONGEST_MAX_AGE) > 0 ? LONGEST_MAX_AGE : maxAge);
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
