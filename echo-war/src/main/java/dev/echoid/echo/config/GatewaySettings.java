package dev.echoid.echo.config;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.plumbing.TrustedProxies;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's settings: immutable, validated once at startup. Read with {@link #from(SettingsSource)} or built
 * with {@link #builder()}; either way a bad value is rejected with the setting's name.
 */
public final class GatewaySettings {

    public static final String ISSUER = "ECHO_ISSUER";
    public static final String CLIENT_ID = "ECHO_CLIENT_ID";
    public static final String CLIENT_SECRET = "ECHO_CLIENT_SECRET";
    public static final String REDIRECT_URI = "ECHO_REDIRECT_URI";
    public static final String SCOPES = "ECHO_SCOPES";
    public static final String DEV_MODE = "ECHO_DEV_MODE";
    public static final String CLOCK_SKEW_SECONDS = "ECHO_CLOCK_SKEW_SECONDS";
    public static final String POST_LOGOUT_REDIRECT_URI = "ECHO_POST_LOGOUT_REDIRECT_URI";
    public static final String REFRESH_MARGIN_SECONDS = "ECHO_REFRESH_MARGIN_SECONDS";
    public static final String TRUSTED_PROXIES = "ECHO_TRUSTED_PROXIES";
    public static final String LOG_FORMAT = "ECHO_LOG_FORMAT";
    /** {@code false} keeps the JDK's providers even where the native one is available. */
    public static final String NATIVE_CRYPTO = "ECHO_NATIVE_CRYPTO";

    public static final String DEFAULT_SCOPES = "openid profile email";
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;
    public static final int MAX_CLOCK_SKEW_SECONDS = 300;
    public static final int DEFAULT_REFRESH_MARGIN_SECONDS = 60;
    public static final int MAX_REFRESH_MARGIN_SECONDS = 600;
    /** Where the default post-logout redirect URI points, below the context path. */
    public static final String SIGNED_OUT_PATH = "/signed-out";

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final URI redirectUri;
    private final List<String> scopes;
    private final boolean devMode;
    private final Duration clockSkew;
    private final URI postLogoutRedirectUri;
    private final Duration refreshMargin;
    private final TrustedProxies trustedProxies;

    private GatewaySettings(Builder b) {
        this.issuer = b.issuer;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.redirectUri = URI.create(b.redirectUri);
        this.scopes = List.copyOf(Arrays.asList(b.scopes.trim().split("\\s+")));
        this.devMode = b.devMode;
        this.clockSkew = Duration.ofSeconds(b.clockSkewSeconds);
        this.postLogoutRedirectUri = b.postLogoutRedirectUri == null || b.postLogoutRedirectUri.isBlank()
                ? null : URI.create(b.postLogoutRedirectUri);
        this.refreshMargin = Duration.ofSeconds(b.refreshMarginSeconds);
        this.trustedProxies = b.parsedTrustedProxies;
    }

    /** Reads every setting from {@code source}, applying defaults; all problems are reported at once. */
    public static GatewaySettings from(SettingsSource source) {
        Builder builder = builder();
        List<String> problems = new ArrayList<>();
        source.get(ISSUER).ifPresent(builder::issuer);
        source.get(CLIENT_ID).ifPresent(builder::clientId);
        source.get(CLIENT_SECRET).ifPresent(builder::clientSecret);
        source.get(REDIRECT_URI).ifPresent(builder::redirectUri);
        source.get(SCOPES).ifPresent(builder::scopes);
        source.get(DEV_MODE).ifPresent(v -> {
            String normalized = v.trim().toLowerCase(Locale.ROOT);
            if (normalized.equals("true") || normalized.equals("false")) {
                builder.devMode(Boolean.parseBoolean(normalized));
            } else {
                problems.add(DEV_MODE + " must be true or false, was '" + v + "'");
            }
        });
        source.get(CLOCK_SKEW_SECONDS).ifPresent(v -> {
            try {
                builder.clockSkewSeconds(Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                problems.add(CLOCK_SKEW_SECONDS + " must be a whole number of seconds, was '" + v + "'");
            }
        });
        source.get(POST_LOGOUT_REDIRECT_URI).ifPresent(builder::postLogoutRedirectUri);
        source.get(REFRESH_MARGIN_SECONDS).ifPresent(v -> {
            try {
                builder.refreshMarginSeconds(Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                problems.add(REFRESH_MARGIN_SECONDS + " must be a whole number of seconds, was '" + v + "'");
            }
        });
        source.get(TRUSTED_PROXIES).ifPresent(builder::trustedProxies);
        return builder.build(problems);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The issuer exactly as configured; discovery and every ID token must name this exact string. */
    public String issuer() {
        return issuer;
    }

    public String clientId() {
        return clientId;
    }

    /** Never log this. */
    public String clientSecret() {
        return clientSecret;
    }

    public URI redirectUri() {
        return redirectUri;
    }

    public List<String> scopes() {
        return scopes;
    }

    public String scope() {
        return String.join(" ", scopes);
    }

    public boolean devMode() {
        return devMode;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    /**
     * Where the provider sends the browser after RP-Initiated Logout: the configured URI, else the gateway's own
     * {@code /signed-out} page on the redirect URI's scheme, host and port below {@code contextPath}.
     *
     * @param contextPath the application's context path, {@code ""} for the root
     */
    public URI postLogoutRedirectUri(String contextPath) {
        if (postLogoutRedirectUri != null) {
            return postLogoutRedirectUri;
        }
        return redirectUri.resolve(contextPath + SIGNED_OUT_PATH);
    }

    /** An ID token expiring within this margin is renewed with the refresh token before it lapses. */
    public Duration refreshMargin() {
        return refreshMargin;
    }

    /** The reverse proxies whose {@code X-Forwarded-Proto} is believed; none by default. */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    @Override
    public String toString() {
        return "GatewaySettings[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=****"
                + ", redirectUri=" + redirectUri + ", scopes=" + scope() + ", devMode=" + devMode
                + ", clockSkew=" + clockSkew.toSeconds() + "s, postLogoutRedirectUri="
                + (postLogoutRedirectUri == null ? "(default)" : postLogoutRedirectUri)
                + ", refreshMargin=" + refreshMargin.toSeconds() + "s, trustedProxies=" + trustedProxies + "]";
    }

    /** Sets defaults and rejects bad values, naming the setting. */
    public static final class Builder {
        private String issuer;
        private String clientId;
        private String clientSecret;
        private String redirectUri;
        private String scopes = DEFAULT_SCOPES;
        private boolean devMode;
        private int clockSkewSeconds = DEFAULT_CLOCK_SKEW_SECONDS;
        private String postLogoutRedirectUri;
        private int refreshMarginSeconds = DEFAULT_REFRESH_MARGIN_SECONDS;
        private String trustedProxies = "";
        private TrustedProxies parsedTrustedProxies = TrustedProxies.none();

        private Builder() {
        }

        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        public Builder redirectUri(String redirectUri) {
            this.redirectUri = redirectUri;
            return this;
        }

        public Builder scopes(String scopes) {
            this.scopes = scopes;
            return this;
        }

        public Builder devMode(boolean devMode) {
            this.devMode = devMode;
            return this;
        }

        public Builder clockSkewSeconds(int clockSkewSeconds) {
            this.clockSkewSeconds = clockSkewSeconds;
            return this;
        }

        /** Optional; must be registered at the provider as a {@code post_logout_redirect_uri}. */
        public Builder postLogoutRedirectUri(String postLogoutRedirectUri) {
            this.postLogoutRedirectUri = postLogoutRedirectUri;
            return this;
        }

        public Builder refreshMarginSeconds(int refreshMarginSeconds) {
            this.refreshMarginSeconds = refreshMarginSeconds;
            return this;
        }

        /** IPs and CIDR ranges, space- or comma-separated, whose {@code X-Forwarded-Proto} is believed. */
        public Builder trustedProxies(String trustedProxies) {
            this.trustedProxies = trustedProxies;
            return this;
        }

        public GatewaySettings build() {
            return build(new ArrayList<>());
        }

        private GatewaySettings build(List<String> problems) {
            List<String> missing = new ArrayList<>();
            requirePresent(ISSUER, issuer, missing);
            requirePresent(CLIENT_ID, clientId, missing);
            requirePresent(CLIENT_SECRET, clientSecret, missing);
            requirePresent(REDIRECT_URI, redirectUri, missing);
            if (!missing.isEmpty()) {
                problems.add(0, "missing required setting(s): " + String.join(", ", missing));
            }
            if (issuer != null && !issuer.isBlank()) {
                // OpenID Connect Discovery 1.0 §2: the issuer is an https URL with no query or fragment.
                checkUrl(ISSUER, issuer, problems).ifPresent(uri -> {
                    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                        problems.add(ISSUER + " must not have a query or fragment");
                    }
                });
            }
            if (redirectUri != null && !redirectUri.isBlank()) {
                checkUrl(REDIRECT_URI, redirectUri, problems).ifPresent(uri -> {
                    // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
                    if (uri.getRawFragment() != null) {
                        problems.add(REDIRECT_URI + " must not have a fragment");
                    }
                });
            }
            if (scopes == null || Arrays.stream(scopes.trim().split("\\s+")).noneMatch("openid"::equals)) {
                problems.add(SCOPES + " must include 'openid', was '" + scopes + "'");
            } else if (!scopes.trim().matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+(\\s+[\\x21\\x23-\\x5B\\x5D-\\x7E]+)*")) {
                problems.add(SCOPES + " has a character RFC 6749 §3.3 does not allow in a scope token");
            }
            if (clockSkewSeconds < 0 || clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS) {
                problems.add(CLOCK_SKEW_SECONDS + " must be between 0 and " + MAX_CLOCK_SKEW_SECONDS
                        + ", was " + clockSkewSeconds);
            }
            if (postLogoutRedirectUri != null && !postLogoutRedirectUri.isBlank()) {
                checkUrl(POST_LOGOUT_REDIRECT_URI, postLogoutRedirectUri, problems).ifPresent(uri -> {
                    // The provider appends state to it, so like a redirect URI (RFC 6749 §3.1.2) it has no fragment.
                    if (uri.getRawFragment() != null) {
                        problems.add(POST_LOGOUT_REDIRECT_URI + " must not have a fragment");
                    }
                });
            }
            if (refreshMarginSeconds < 0 || refreshMarginSeconds > MAX_REFRESH_MARGIN_SECONDS) {
                problems.add(REFRESH_MARGIN_SECONDS + " must be between 0 and " + MAX_REFRESH_MARGIN_SECONDS
                        + ", was " + refreshMarginSeconds);
            }
            try {
                parsedTrustedProxies = TrustedProxies.parse(TRUSTED_PROXIES, trustedProxies == null ? "" : trustedProxies);
            } catch (InvalidSettingException e) {
                problems.add(e.getMessage()); // names the setting
            }
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException(problems);
            }
            return new GatewaySettings(this);
        }

        private static void requirePresent(String name, String value, List<String> missing) {
            if (value == null || value.isBlank()) {
                missing.add(name);
            }
        }

        private Optional<URI> checkUrl(String name, String value, List<String> problems) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                problems.add(name + " is not a valid URL: '" + value + "'");
                return Optional.empty();
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                problems.add(name + " must be an absolute http(s) URL, was '" + value + "'");
                return Optional.empty();
            }
            // Plain http is for development only: allowed in dev mode, or on the loopback interface.
            if (scheme.equals("http") && !devMode && !LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
                problems.add(name + " must use https outside dev mode (set " + DEV_MODE + "=true for plain http), was '"
                        + value + "'");
                return Optional.empty();
            }
            return Optional.of(uri);
        }
    }
}
