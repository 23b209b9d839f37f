package dev.echoid.identity.config;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.plumbing.TrustedProxies;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The provider's settings, read once at start-up and validated; discovery advertises from the same object.
 *
 * @param issuer           the issuer identifier: https (http only in dev mode), no query or fragment
 *                         (OpenID Connect Discovery 1.0 §3)
 * @param devMode          relaxes transport rules for a developer's machine (plain http, non-Secure cookies)
 * @param idTokenTtl       lifetime of ID tokens
 * @param accessTokenTtl   lifetime of access tokens
 * @param codeTtl          lifetime of authorization codes
 * @param refreshIdleTtl   a refresh token unused this long expires (each use gives a new one)
 * @param refreshAbsoluteTtl the refresh tokens of one grant end this long after sign-in, however used
 * @param refreshRetryWindow a rotated refresh token presented again this soon by its client, its successor unused,
 *                         is the retry of a lost answer, not reuse (zero: off)
 * @param sessionIdleTtl   the single sign-on session ends after this long without use
 * @param sessionMaxTtl    and this long after it started, however used
 * @param keyEncryptionKey AES-256 key that seals signing keys and TOTP secrets at rest (required outside dev mode)
 * @param auditKey         HMAC-SHA-256 key of the audit trail's hash chain, kept outside the database (required
 *                         outside dev mode)
 * @param bootstrap        a user and a client to create at start-up when absent (first deployment, dev)
 * @param keyRotation      signing-key rotation: the publish delay
 * @param adminApi         the admin endpoints: their bearer token
 * @param loginPolicy      brute-force defence, password and second-factor policy
 * @param trustedProxies   the reverse proxies whose {@code X-Forwarded-Proto} is believed (none by default)
 * @param housekeeping     the purge of expired rows: how often, in what batches, kept how long after they end
 * @param backchannel      the delivery of back-channel logout tokens from the outbox: workers, timeouts, retries
 */
public record IdentitySettings(
        URI issuer,
        boolean devMode,
        Duration idTokenTtl,
        Duration accessTokenTtl,
        Duration codeTtl,
        Duration refreshIdleTtl,
        Duration refreshAbsoluteTtl,
        Duration refreshRetryWindow,
        Duration sessionIdleTtl,
        Duration sessionMaxTtl,
        Optional<byte[]> keyEncryptionKey,
        Optional<byte[]> auditKey,
        Bootstrap bootstrap,
        KeyRotation keyRotation,
        AdminApi adminApi,
        LoginPolicy loginPolicy,
        TrustedProxies trustedProxies,
        Housekeeping housekeeping,
        BackchannelSettings backchannel) {

    public static final String ISSUER = "IDENTITY_ISSUER";
    public static final String DEV_MODE = "IDENTITY_DEV_MODE";
    public static final String ID_TOKEN_TTL = "IDENTITY_ID_TOKEN_TTL_SECONDS";
    public static final String ACCESS_TOKEN_TTL = "IDENTITY_ACCESS_TOKEN_TTL_SECONDS";
    public static final String KEY_ENCRYPTION_KEY = "IDENTITY_KEY_ENCRYPTION_KEY";
    public static final String AUDIT_KEY = "IDENTITY_AUDIT_KEY";
    public static final String REFRESH_IDLE_TTL = "IDENTITY_REFRESH_IDLE_TTL_SECONDS";
    public static final String REFRESH_ABSOLUTE_TTL = "IDENTITY_REFRESH_ABSOLUTE_TTL_SECONDS";
    public static final String REFRESH_RETRY = "IDENTITY_REFRESH_TOKEN_RETRY_SECONDS";
    public static final String SESSION_IDLE_TTL = "IDENTITY_SESSION_IDLE_SECONDS";
    public static final String SESSION_MAX_TTL = "IDENTITY_SESSION_MAX_SECONDS";
    public static final String TRUSTED_PROXIES = "IDENTITY_TRUSTED_PROXIES";
    public static final String LOG_FORMAT = "IDENTITY_LOG_FORMAT";
    /** {@code false} keeps the JDK's providers even where the native one is available. */
    public static final String NATIVE_CRYPTO = "IDENTITY_NATIVE_CRYPTO";
    /** The port of a connector that serves the health probes only (read by {@code web.HealthPortFilter}). */
    public static final String HEALTH_PORT = "IDENTITY_HEALTH_PORT";
    /** Token requests processed at once (read by {@code endpoint.TokenAdmissionFilter}). */
    public static final String TOKEN_CONCURRENCY = "IDENTITY_TOKEN_CONCURRENCY";
    private static final Duration DEFAULT_ID_TOKEN_TTL = Duration.ofMinutes(15);
    private static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(10);

    public IdentitySettings {
        requirePositive(idTokenTtl, ID_TOKEN_TTL);
        requirePositive(accessTokenTtl, ACCESS_TOKEN_TTL);
        requirePositive(codeTtl, "code lifetime");
        requirePositive(refreshIdleTtl, REFRESH_IDLE_TTL);
        requirePositive(refreshAbsoluteTtl, REFRESH_ABSOLUTE_TTL);
        // long enough for a client's retry after a lost answer, short enough that a stolen old token soon dies
        if (refreshRetryWindow.isNegative() || refreshRetryWindow.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new InvalidSettingException(REFRESH_RETRY, "must be 0 (off) to 60 seconds");
        }
        requirePositive(sessionIdleTtl, SESSION_IDLE_TTL);
        requirePositive(sessionMaxTtl, SESSION_MAX_TTL);
        String scheme = issuer.getScheme();
        if (!"https".equals(scheme) && !(devMode && "http".equals(scheme))) {
            throw new InvalidSettingException(ISSUER, "must be an https URL (http is allowed only with "
                    + DEV_MODE + "=true)");
        }
        if (issuer.getHost() == null || issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
            throw new InvalidSettingException(ISSUER, "must be an absolute URL with a host and no query or fragment");
        }
        if (issuer.getPath().endsWith("/")) {
            throw new InvalidSettingException(ISSUER, "must not end with '/'");
        }
        keyEncryptionKey.ifPresent(key -> requireKeyLength(KEY_ENCRYPTION_KEY, key));
        auditKey.ifPresent(key -> requireKeyLength(AUDIT_KEY, key));
    }

    /**
     * Refuses to start outside dev mode without the two keys of secrets at rest: without them a copy of the
     * database holds usable signing keys and TOTP secrets, and its writer can re-chain the audit trail.
     *
     * @return these settings, when they may start
     */
    public IdentitySettings requireSecretsOutsideDevMode() {
        if (!devMode) {
            if (keyEncryptionKey.isEmpty()) {
                throw new InvalidSettingException(KEY_ENCRYPTION_KEY, "is required outside dev mode: 32 random bytes,"
                        + " base64-encoded (openssl rand -base64 32), kept outside the database and out of git");
            }
            if (auditKey.isEmpty()) {
                throw new InvalidSettingException(AUDIT_KEY, "is required outside dev mode: 32 random bytes,"
                        + " base64-encoded (openssl rand -base64 32), kept outside the database and out of git");
            }
        }
        return this;
    }

    public static IdentitySettings from(SettingsSource source) {
        URI issuer = source.get(ISSUER)
                .map(value -> parseUri(ISSUER, value))
                .orElseThrow(() -> new InvalidSettingException(ISSUER,
                        "is required (for example https://login.example.com/identity)"));
        return new IdentitySettings(
                issuer,
                source.get(DEV_MODE).map(Boolean::parseBoolean).orElse(false),
                seconds(source, ID_TOKEN_TTL, DEFAULT_ID_TOKEN_TTL),
                seconds(source, ACCESS_TOKEN_TTL, DEFAULT_ACCESS_TOKEN_TTL),
                Duration.ofSeconds(60),
                seconds(source, REFRESH_IDLE_TTL, Duration.ofDays(1)),
                seconds(source, REFRESH_ABSOLUTE_TTL, Duration.ofDays(30)),
                seconds(source, REFRESH_RETRY, Duration.ofSeconds(30)),
                seconds(source, SESSION_IDLE_TTL, Duration.ofMinutes(30)),
                seconds(source, SESSION_MAX_TTL, Duration.ofHours(10)),
                keyEncryptionKey(source),
                auditKey(source),
                Bootstrap.from(source),
                KeyRotation.from(source),
                AdminApi.from(source),
                LoginPolicy.from(source),
                source.get(TRUSTED_PROXIES).map(value -> TrustedProxies.parse(TRUSTED_PROXIES, value))
                        .orElse(TrustedProxies.none()),
                Housekeeping.from(source),
                BackchannelSettings.from(source));
    }

    /** {@code IDENTITY_KEY_ENCRYPTION_KEY}, decoded and checked: for tools that need no issuer (the admin CLI). */
    public static Optional<byte[]> keyEncryptionKey(SettingsSource source) {
        return key(source, KEY_ENCRYPTION_KEY);
    }

    /** {@code IDENTITY_AUDIT_KEY}, decoded and checked: for tools that need no issuer (the audit commands). */
    public static Optional<byte[]> auditKey(SettingsSource source) {
        return key(source, AUDIT_KEY);
    }

    private static Optional<byte[]> key(SettingsSource source, String name) {
        Optional<byte[]> key = source.get(name).map(value -> decodeKey(name, value));
        key.ifPresent(value -> requireKeyLength(name, value));
        return key;
    }

    private static void requireKeyLength(String name, byte[] key) {
        if (key.length != 32) {
            throw new InvalidSettingException(name, "must be 32 bytes, base64-encoded");
        }
    }

    /** {@link #maxTokenLifetime()} from the settings alone: for tools that need no issuer (the admin CLI). */
    public static Duration maxTokenLifetime(SettingsSource source) {
        Duration id = seconds(source, ID_TOKEN_TTL, DEFAULT_ID_TOKEN_TTL);
        Duration access = seconds(source, ACCESS_TOKEN_TTL, DEFAULT_ACCESS_TOKEN_TTL);
        return id.compareTo(access) >= 0 ? id : access;
    }

    /** The endpoint URL under the issuer, e.g. {@code endpoint("token")}. */
    public URI endpoint(String path) {
        return URI.create(issuer + "/" + path);
    }

    /** The longest lifetime of a signed token: how long a superseded signing key must keep verifying. */
    public Duration maxTokenLifetime() {
        return idTokenTtl.compareTo(accessTokenTtl) >= 0 ? idTokenTtl : accessTokenTtl;
    }

    private static Duration seconds(SettingsSource source, String name, Duration fallback) {
        return source.get(name).map(value -> {
            try {
                return Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, "must be a whole number of seconds");
            }
        }).orElse(fallback);
    }

    private static URI parseUri(String name, String value) {
        try {
            return new URI(value);
        } catch (Exception e) {
            throw new InvalidSettingException(name, "is not a valid URL");
        }
    }

    private static byte[] decodeKey(String name, String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(name, "must be base64");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(name, "must be positive");
        }
    }

    /**
     * A first user and client, created only when absent (never updated).
     *
     * @param firstParty the client is the operator's own (the gateway): offline_access without a consent page
     */
    public record Bootstrap(
            Optional<String> username,
            Optional<String> password,
            Optional<String> clientId,
            Optional<String> clientSecret,
            List<URI> redirectUris,
            java.util.Set<String> grantTypes,
            List<URI> postLogoutRedirectUris,
            Optional<URI> backchannelLogoutUri,
            boolean firstParty,
            String applicationType) {

        public static final String USER = "IDENTITY_BOOTSTRAP_USER";
        public static final String PASSWORD = "IDENTITY_BOOTSTRAP_PASSWORD";
        public static final String CLIENT_ID = "IDENTITY_BOOTSTRAP_CLIENT_ID";
        public static final String CLIENT_SECRET = "IDENTITY_BOOTSTRAP_CLIENT_SECRET";
        public static final String REDIRECT_URIS = "IDENTITY_BOOTSTRAP_REDIRECT_URIS";
        public static final String GRANT_TYPES = "IDENTITY_BOOTSTRAP_GRANT_TYPES";
        public static final String POST_LOGOUT_REDIRECT_URIS = "IDENTITY_BOOTSTRAP_POST_LOGOUT_REDIRECT_URIS";
        public static final String BACKCHANNEL_LOGOUT_URI = "IDENTITY_BOOTSTRAP_BACKCHANNEL_LOGOUT_URI";
        public static final String FIRST_PARTY = "IDENTITY_BOOTSTRAP_FIRST_PARTY";
        /** {@code web} (default) or {@code native}: a native app's loopback redirect URIs take any port. */
        public static final String APPLICATION_TYPE = "IDENTITY_BOOTSTRAP_CLIENT_APPLICATION_TYPE";

        public Bootstrap {
            if (username.isPresent() != password.isPresent()) {
                throw new InvalidSettingException(USER, "and " + PASSWORD + " must be set together");
            }
            clientSecret.ifPresent(secret -> {
                // a client secret is a machine secret, checked with a fast HMAC: its strength is its length
                if (secret.length() < dev.echoid.identity.security.ClientSecretHasher.MIN_LENGTH) {
                    throw new InvalidSettingException(CLIENT_SECRET, "must be at least "
                            + dev.echoid.identity.security.ClientSecretHasher.MIN_LENGTH
                            + " characters (a random value, e.g. openssl rand -base64 32)");
                }
            });
            if (clientId.isPresent() && redirectUris.isEmpty()) {
                throw new InvalidSettingException(REDIRECT_URIS, "is required with " + CLIENT_ID);
            }
            redirectUris = List.copyOf(redirectUris);
            grantTypes = java.util.Set.copyOf(grantTypes);
            postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
            for (String grantType : grantTypes) {
                if (!GrantTypes.ALL.contains(grantType)) {
                    throw new InvalidSettingException(GRANT_TYPES, "has an unknown grant type: " + grantType);
                }
            }
            if (!"web".equals(applicationType) && !"native".equals(applicationType)) {
                throw new InvalidSettingException(APPLICATION_TYPE, "must be web or native");
            }
        }

        static Bootstrap from(SettingsSource source) {
            return new Bootstrap(source.get(USER), source.get(PASSWORD), source.get(CLIENT_ID),
                    source.get(CLIENT_SECRET), uris(source, REDIRECT_URIS),
                    java.util.Set.copyOf(words(source, GRANT_TYPES).orElse(
                            List.of(GrantTypes.AUTHORIZATION_CODE, GrantTypes.REFRESH_TOKEN))),
                    uris(source, POST_LOGOUT_REDIRECT_URIS),
                    source.get(BACKCHANNEL_LOGOUT_URI).map(value -> parseUri(BACKCHANNEL_LOGOUT_URI, value)),
                    source.get(FIRST_PARTY).map(Bootstrap::flag).orElse(false),
                    source.get(APPLICATION_TYPE).orElse("web"));
        }

        // a typo must not quietly leave the consent page on, or turn it off
        private static boolean flag(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new InvalidSettingException(FIRST_PARTY, "must be true or false");
            };
        }

        private static List<URI> uris(SettingsSource source, String name) {
            return words(source, name).orElse(List.of()).stream().map(s -> parseUri(name, s)).toList();
        }

        /** A space- or comma-separated list. */
        private static Optional<List<String>> words(SettingsSource source, String name) {
            return source.get(name).map(value -> Arrays.stream(value.split("[\\s,]+"))
                    .filter(s -> !s.isBlank()).toList());
        }
    }

    /**
     * Signing-key rotation.
     *
     * @param publishDelay how long a new signing key is in the JWKS before it signs; longer than the JWKS cache time
     *                     (300 s) so that relying parties have it before they meet it
     */
    public record KeyRotation(Duration publishDelay) {

        public static final String PUBLISH_DELAY = "IDENTITY_KEY_PUBLISH_DELAY_SECONDS";

        public KeyRotation {
            if (publishDelay == null || publishDelay.isNegative()) {
                throw new InvalidSettingException(PUBLISH_DELAY, "must not be negative");
            }
        }

        public static KeyRotation from(SettingsSource source) {
            return new KeyRotation(seconds(source, PUBLISH_DELAY, Duration.ofSeconds(600)));
        }
    }

    /**
     * The admin endpoints (signing keys, accounts, the audit trail).
     *
     * @param token the static bearer token they require; without it they do not exist
     */
    public record AdminApi(Optional<String> token) {

        public static final String TOKEN = "IDENTITY_ADMIN_TOKEN";
        static final int MIN_TOKEN_LENGTH = 32;

        public AdminApi {
            token.ifPresent(value -> {
                if (value.length() < MIN_TOKEN_LENGTH) {
                    throw new InvalidSettingException(TOKEN, "must be at least " + MIN_TOKEN_LENGTH
                            + " characters (a random value, e.g. openssl rand -base64 32)");
                }
            });
        }

        public static AdminApi from(SettingsSource source) {
            return new AdminApi(source.get(TOKEN).filter(value -> !value.isBlank()));
        }
    }

    /**
     * The purge of rows that no longer count (issue 11, item 5), one node at a time.
     *
     * @param interval  the time between two runs (the first comes one interval after start)
     * @param batchSize rows deleted per statement: each statement is its own short transaction
     * @param retention how long rows that other rows or late requests may still refer to (codes, tokens, grants,
     *                  sessions) are kept after they expired or ended; requests still in flight use rows that just
     *                  ended, so at least 60 s
     */
    public record Housekeeping(Duration interval, int batchSize, Duration retention) {

        public static final String INTERVAL = "IDENTITY_HOUSEKEEPING_INTERVAL_SECONDS";
        public static final String BATCH_SIZE = "IDENTITY_HOUSEKEEPING_BATCH_SIZE";
        public static final String RETENTION = "IDENTITY_HOUSEKEEPING_RETENTION_SECONDS";
        static final int MAX_BATCH_SIZE = 100_000;
        static final Duration MIN_RETENTION = Duration.ofSeconds(60);

        public Housekeeping {
            requirePositive(interval, INTERVAL);
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new InvalidSettingException(BATCH_SIZE, "must be between 1 and " + MAX_BATCH_SIZE);
            }
            if (retention == null || retention.compareTo(MIN_RETENTION) < 0) {
                throw new InvalidSettingException(RETENTION, "must be at least " + MIN_RETENTION.toSeconds()
                        + " seconds (requests in flight still use rows that just ended)");
            }
        }

        public static Housekeeping from(SettingsSource source) {
            return new Housekeeping(seconds(source, INTERVAL, Duration.ofMinutes(5)),
                    source.get(BATCH_SIZE).map(value -> {
                        try {
                            return Integer.parseInt(value.trim());
                        } catch (NumberFormatException e) {
                            throw new InvalidSettingException(BATCH_SIZE, "must be a whole number");
                        }
                    }).orElse(1_000),
                    seconds(source, RETENTION, Duration.ofHours(1)));
        }
    }
}
