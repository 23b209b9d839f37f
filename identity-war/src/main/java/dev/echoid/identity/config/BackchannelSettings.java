package dev.echoid.identity.config;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.time.Duration;

/**
 * The delivery of back-channel logout tokens from the outbox: how many at once, how long one may take, how often
 * and for how long a failed one is tried again, how long a dead letter is kept.
 *
 * @param workers        deliveries at once on this node (the bounded worker pool)
 * @param connectTimeout the longest wait for the relying party's connection
 * @param readTimeout    the longest wait for its answer, once connected
 * @param initialBackoff the wait after the first failure; it doubles after each one (with jitter)
 * @param maxBackoff     the longest wait between two attempts
 * @param maxAttempts    attempts before the entry is dead-lettered
 * @param maxAge         and the longest time it is tried from the logout (or from an operator's retry)
 * @param pollInterval   how often the workers look for due entries (another node's, or a retry's)
 * @param deadRetention  how long a dead letter is kept for the operator before the housekeeping purges it
 */
public record BackchannelSettings(int workers, Duration connectTimeout, Duration readTimeout,
        Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration maxAge, Duration pollInterval,
        Duration deadRetention) {

    public static final String WORKERS = "IDENTITY_BACKCHANNEL_WORKERS";
    public static final String CONNECT_TIMEOUT = "IDENTITY_BACKCHANNEL_CONNECT_TIMEOUT_MILLIS";
    public static final String READ_TIMEOUT = "IDENTITY_BACKCHANNEL_READ_TIMEOUT_MILLIS";
    public static final String INITIAL_BACKOFF = "IDENTITY_BACKCHANNEL_RETRY_INITIAL_MILLIS";
    public static final String MAX_BACKOFF = "IDENTITY_BACKCHANNEL_RETRY_MAX_MILLIS";
    public static final String MAX_ATTEMPTS = "IDENTITY_BACKCHANNEL_MAX_ATTEMPTS";
    public static final String MAX_AGE = "IDENTITY_BACKCHANNEL_MAX_AGE_SECONDS";
    public static final String POLL_INTERVAL = "IDENTITY_BACKCHANNEL_POLL_MILLIS";
    public static final String DEAD_RETENTION = "IDENTITY_BACKCHANNEL_DEAD_RETENTION_SECONDS";
    static final int MAX_WORKERS = 256;

    public BackchannelSettings {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new InvalidSettingException(WORKERS, "must be between 1 and " + MAX_WORKERS);
        }
        positive(connectTimeout, CONNECT_TIMEOUT);
        positive(readTimeout, READ_TIMEOUT);
        positive(initialBackoff, INITIAL_BACKOFF);
        positive(maxBackoff, MAX_BACKOFF);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidSettingException(MAX_BACKOFF, "must not be below " + INITIAL_BACKOFF);
        }
        if (maxAttempts < 1) {
            throw new InvalidSettingException(MAX_ATTEMPTS, "must be at least 1");
        }
        positive(maxAge, MAX_AGE);
        positive(pollInterval, POLL_INTERVAL);
        positive(deadRetention, DEAD_RETENTION);
    }

    /** Defaults: 4 workers, 2 s to connect, 5 s to answer, 1 s doubling to 5 min, 20 attempts within a day. */
    public static BackchannelSettings from(SettingsSource source) {
        return new BackchannelSettings(
                whole(source, WORKERS, 4),
                Duration.ofMillis(whole(source, CONNECT_TIMEOUT, 2_000)),
                Duration.ofMillis(whole(source, READ_TIMEOUT, 5_000)),
                Duration.ofMillis(whole(source, INITIAL_BACKOFF, 1_000)),
                Duration.ofMillis(whole(source, MAX_BACKOFF, 300_000)),
                whole(source, MAX_ATTEMPTS, 20),
                Duration.ofSeconds(whole(source, MAX_AGE, 86_400)),
                Duration.ofMillis(whole(source, POLL_INTERVAL, 1_000)),
                Duration.ofSeconds(whole(source, DEAD_RETENTION, 7 * 86_400)));
    }

    /**
     * How long a claimed entry stays out of the other workers' reach: longer than one delivery may take, so a live
     * worker's entry is never claimed twice, and a dead node's is claimed again after it.
     */
    public Duration lease() {
        return connectTimeout.plus(readTimeout).plusSeconds(30);
    }

    private static int whole(SettingsSource source, String name, int fallback) {
        return source.get(name).map(value -> {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, "must be a whole number");
            }
        }).orElse(fallback);
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(name, "must be positive");
        }
    }
}
