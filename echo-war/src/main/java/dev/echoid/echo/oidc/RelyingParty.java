package dev.echoid.echo.oidc;

import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.plumbing.CryptoProvider;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * The gateway as an OpenID Connect relying party: its settings and the protocol pieces built from them. Assembled
 * once at startup; the web layer only calls it. Optional provider features (refresh tokens, revocation,
 * RP-Initiated and Back-Channel Logout) are used only when the provider's discovery document advertises them.
 */
public final class RelyingParty implements AutoCloseable {

    /** The ServletContext attribute holding the instance. */
    public static final String CONTEXT_ATTRIBUTE = RelyingParty.class.getName();
    private static final System.Logger LOG = System.getLogger(RelyingParty.class.getName());

    private final GatewaySettings settings;
    private final Clock clock;
    private final ProviderDiscovery discovery;
    private final IdTokenVerifier verifier;
    private final LogoutTokenVerifier logoutTokenVerifier;
    private final TokenEndpointClient tokenEndpoint;
    private final RevocationEndpointClient revocationEndpoint;
    private final RandomValues random;
    private final ProviderHttp http;

    public RelyingParty(GatewaySettings settings, ProviderHttp http, Clock clock, SecureRandom random) {
        this(settings, http, clock, random, CryptoProvider.preferred());
    }

    /** @param crypto the JCA provider that verifies the provider's signatures */
    public RelyingParty(GatewaySettings settings, ProviderHttp http, Clock clock, SecureRandom random,
            CryptoProvider crypto) {
        this.settings = settings;
        this.clock = clock;
        this.discovery = new ProviderDiscovery(settings.issuer(), http);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), http, clock, JwkSet.DEFAULT_MIN_REFETCH_INTERVAL,
                crypto);
        this.verifier = new IdTokenVerifier(settings.issuer(), settings.clientId(), settings.clockSkew(), clock,
                discovery, keys);
        this.logoutTokenVerifier = new LogoutTokenVerifier(settings.issuer(), settings.clientId(), settings.clockSkew(),
                clock, discovery, keys, new SeenTokenIds(clock, SeenTokenIds.DEFAULT_CAPACITY));
        this.tokenEndpoint = new TokenEndpointClient(http, settings.clientId(), settings.clientSecret(),
                settings.redirectUri());
        this.revocationEndpoint = new RevocationEndpointClient(http, settings.clientId(), settings.clientSecret());
        this.random = new RandomValues(random);
        this.http = http;
    }

    /** Releases the HTTP client's threads; called at undeploy. */
    @Override
    public void close() {
        http.close();
    }

    public static RelyingParty create(GatewaySettings settings) {
        return create(settings, CryptoProvider.preferred());
    }

    public static RelyingParty create(GatewaySettings settings, CryptoProvider crypto) {
        return new RelyingParty(settings, new ProviderHttp(), Clock.systemUTC(), new SecureRandom(), crypto);
    }

    public GatewaySettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /** @throws ProviderException while the provider cannot be discovered */
    public ProviderMetadata metadata() {
        return discovery.metadata();
    }

    public IdTokenVerifier idTokenVerifier() {
        return verifier;
    }

    /** Starts a sign-in: fresh state, nonce and PKCE verifier, and the URL to send the browser to. */
    public AuthorizationRequest startAuthorization(String returnTo) {
        URI endpoint = metadata().authorizationEndpoint();
        PendingAuthorization pending = PendingAuthorization.start(random, returnTo, clock.instant());
        return new AuthorizationRequest(endpoint, settings.clientId(), settings.redirectUri(), settings.scope(), pending);
    }

    /** Redeems the code and verifies the ID token it brings, nonce included. */
    public SignedInUser completeAuthorization(PendingAuthorization pending, String code) {
        TokenResponse tokens = tokenEndpoint.exchange(metadata().tokenEndpoint(), code, pending.verifier());
        VerifiedIdentity identity = verifier.verify(tokens.idToken(), pending.nonce());
        return new SignedInUser(SessionTokens.issued(tokens), identity);
    }

    /** Whether the session's ID token expires within the refresh margin (or already has). */
    public boolean needsRefresh(VerifiedIdentity identity) {
        return !clock.instant().plus(settings.refreshMargin()).isBefore(identity.expiresAt());
    }

    /**
     * Renews the session's tokens with its refresh token (RFC 6749 §6) and verifies the new ID token against the old
     * one (OIDC Core §12.2). The caller must keep the returned tokens, whose refresh token replaces the used one.
     *
     * @throws TokenEndpointException when the provider refuses or fails; see {@link TokenEndpointException#refused()}
     * @throws IdTokenException       when the new ID token is refused (its refresh token is then revoked if possible)
     * @throws ProviderException      when the provider cannot be reached
     */
    public SessionTokens refresh(SessionTokens current) {
        TokenResponse response = tokenEndpoint.refresh(metadata().tokenEndpoint(), current.refreshToken());
        // RFC 6749 §6: if a new refresh token is issued, the client MUST discard the old refresh token.
        String refreshToken = response.refreshToken() != null ? response.refreshToken() : current.refreshToken();
        if (response.idToken() == null) {
            LOG.log(System.Logger.Level.INFO, "The provider renewed tokens without an ID token; the session ends "
                    + "when its current ID token expires");
            return new SessionTokens(current.idToken(), response.accessToken(), refreshToken, false);
        }
        try {
            verifier.verifyRefreshed(response.idToken(), current.idToken());
        } catch (IdTokenException e) {
            revokeQuietly(refreshToken);
            throw e;
        }
        return new SessionTokens(response.idToken(), response.accessToken(), refreshToken, true);
    }

    /**
     * Revokes a refresh token (RFC 7009) when the provider advertises a {@code revocation_endpoint}.
     *
     * @return false when the provider advertises none, so nothing was sent
     * @throws ProviderException when the provider cannot be discovered or reached, or refuses
     */
    public boolean revokeRefreshToken(String refreshToken) {
        Optional<URI> endpoint = metadata().revocation();
        if (endpoint.isEmpty()) {
            return false;
        }
        revocationEndpoint.revokeRefreshToken(endpoint.get(), refreshToken);
        return true;
    }

    /** {@link #revokeRefreshToken} for clean-up paths: a failure is logged, never thrown. */
    public void revokeQuietly(String refreshToken) {
        if (refreshToken == null) {
            return;
        }
        try {
            revokeRefreshToken(refreshToken);
        } catch (ProviderException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not revoke a refresh token: {0}", e.getMessage());
        }
    }

    /**
     * Where to send the browser so the provider ends its session too, when discovery advertises an
     * {@code end_session_endpoint}; empty otherwise.
     *
     * @throws ProviderException while the provider cannot be discovered
     */
    public Optional<EndSessionRequest> endSession(String idTokenHint, URI postLogoutRedirectUri) {
        return metadata().endSession().map(endpoint -> new EndSessionRequest(endpoint, idTokenHint,
                settings.clientId(), postLogoutRedirectUri, random.next()));
    }

    /**
     * @throws LogoutTokenException when the token is refused (400 to the provider)
     * @throws ProviderException    when discovery or the JWK Set cannot be fetched
     */
    public LogoutToken verifyLogoutToken(String logoutToken) {
        return logoutTokenVerifier.verify(logoutToken);
    }
}
