package dev.echoid.echo.oidc;

import dev.echoid.echo.config.GatewaySettings;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The gateway as an OpenID Connect relying party: its settings and the protocol pieces built from them. Assembled
 * once at startup; the web layer only calls it.
 */
public final class RelyingParty implements AutoCloseable {

    /** The ServletContext attribute holding the instance. */
    public static final String CONTEXT_ATTRIBUTE = RelyingParty.class.getName();

    private final GatewaySettings settings;
    private final Clock clock;
    private final ProviderDiscovery discovery;
    private final IdTokenVerifier verifier;
    private final TokenEndpointClient tokenEndpoint;
    private final RandomValues random;
    private final ProviderHttp http;

    public RelyingParty(GatewaySettings settings, ProviderHttp http, Clock clock, SecureRandom random) {
        this.settings = settings;
        this.clock = clock;
        this.discovery = new ProviderDiscovery(settings.issuer(), http);
        JwkSet keys = new JwkSet(() -> discovery.metadata().jwksUri(), http, clock, JwkSet.DEFAULT_MIN_REFETCH_INTERVAL);
        this.verifier = new IdTokenVerifier(settings.issuer(), settings.clientId(), settings.clockSkew(), clock,
                discovery, keys);
        this.tokenEndpoint = new TokenEndpointClient(http, settings.clientId(), settings.clientSecret(),
                settings.redirectUri());
        this.random = new RandomValues(random);
        this.http = http;
    }

    /** Releases the HTTP client's threads; called at undeploy. */
    @Override
    public void close() {
        http.close();
    }

    public static RelyingParty create(GatewaySettings settings) {
        return new RelyingParty(settings, new ProviderHttp(), Clock.systemUTC(), new SecureRandom());
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
        return new SignedInUser(new SessionTokens(tokens.idToken(), tokens.accessToken()), identity);
    }
}
