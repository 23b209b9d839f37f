package dev.echoid.identity;

import dev.echoid.identity.config.Database;
import dev.echoid.identity.endpoint.AdminAccess;
import dev.echoid.identity.endpoint.AdminEndpoint;
import dev.echoid.identity.endpoint.AdminBackchannelEndpoint;
import dev.echoid.identity.endpoint.AdminUsersEndpoint;
import dev.echoid.identity.endpoint.AuditEndpoint;
import dev.echoid.identity.endpoint.AuthorizeEndpoint;
import dev.echoid.identity.endpoint.DiscoveryEndpoint;
import dev.echoid.identity.endpoint.EndSessionEndpoint;
import dev.echoid.identity.endpoint.HealthEndpoint;
import dev.echoid.identity.endpoint.IntrospectionEndpoint;
import dev.echoid.identity.endpoint.JwksEndpoint;
import dev.echoid.identity.endpoint.PublicDocuments;
import dev.echoid.identity.endpoint.MetricsEndpoint;
import dev.echoid.identity.endpoint.RevocationEndpoint;
import dev.echoid.identity.endpoint.TokenEndpoint;
import dev.echoid.identity.endpoint.UserInfoEndpoint;
import dev.echoid.identity.health.Readiness;
import dev.echoid.identity.housekeeping.Housekeeping;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.store.AuditChainer;
import dev.echoid.identity.store.JdbcDatabaseStatus;
import dev.echoid.identity.grant.AuthorizationCodeGrant;
import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.grant.ClientCredentialsGrant;
import dev.echoid.identity.grant.GrantHandlers;
import dev.echoid.identity.grant.RefreshTokenGrant;
import dev.echoid.identity.grant.RefreshTokenLookup;
import dev.echoid.identity.grant.TokenResponseIssuer;
import dev.echoid.identity.login.AuthorizationCompletion;
import dev.echoid.identity.login.Authenticator;
import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.login.ConsentPrompt;
import dev.echoid.identity.login.DeviceCookies;
import dev.echoid.identity.login.FormTokens;
import dev.echoid.identity.login.SignInCompletion;
import dev.echoid.identity.login.PendingAuthorizations;
import dev.echoid.identity.store.JdbcPendingRequests;
import dev.echoid.identity.login.SecondFactor;
import dev.echoid.identity.logout.SessionTermination;
import dev.echoid.plumbing.CryptoProvider;
import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.store.JdbcLoginThrottles;
import dev.echoid.identity.store.JdbcTotpCredentials;
import dev.echoid.identity.login.SingleSignOn;
import dev.echoid.identity.logout.BackchannelLogout;
import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.AccessTokens;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.AuditTrail;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.BackchannelOutbox;
import dev.echoid.identity.store.JdbcAccessTokens;
import dev.echoid.identity.store.JdbcBackchannelOutbox;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.identity.store.JdbcAuthorizationCodes;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcConsents;
import dev.echoid.identity.store.JdbcPendingConsents;
import dev.echoid.identity.store.JdbcGrants;
import dev.echoid.identity.store.JdbcRefreshTokens;
import dev.echoid.identity.store.JdbcSealedSecrets;
import dev.echoid.identity.store.JdbcSsoSessions;
import dev.echoid.identity.store.JdbcSigningKeyStore;
import dev.echoid.identity.store.JdbcTransactions;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.store.Users;
import dev.echoid.identity.token.AccessTokenVerifier;
import dev.echoid.identity.token.AdminToken;
import dev.echoid.identity.token.IdTokenHints;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.JwtIssuer;
import dev.echoid.identity.web.FormProtectionFilter;
import dev.echoid.plumbing.RequestOrigin;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.List;

/**
 * The provider assembled: settings, storage and services, wired once at start-up and shared by the endpoints and the
 * login page. Holds no per-user state; everything another node needs is in PostgreSQL.
 */
public final class IdentityProvider {

    static final String ATTRIBUTE = IdentityProvider.class.getName();
    private static final java.time.Duration AUDIT_CHAIN_PERIOD = java.time.Duration.ofSeconds(1);

    private final IdentitySettings settings;
    private final Clients clients;
    private final Users users;
    private final AuditLog audit;
    private final AuditTrail auditTrail;
    private final AuditChainer auditChainer;
    private final SigningKeys signingKeys;
    private final PasswordHasher hasher;
    private final ClientSecretHasher clientSecrets;
    private final Grants grants;
    private final RefreshTokens refreshTokens;
    private final AccessTokens accessTokens;
    private final AuthorizationCodeGrant codeGrant;
    private final GrantHandlers grantHandlers;
    private final ClientAuthenticator clientAuthenticator;
    private final AccessTokenVerifier accessTokenVerifier;
    private final Authenticator authenticator;
    private final SingleSignOn singleSignOn;
    private final IdTokenHints idTokenHints;
    private final BackchannelLogout backchannelLogout;
    private final BackchannelOutbox backchannelOutbox;
    private final BruteForceProtection bruteForce;
    private final DeviceCookies deviceCookies;
    private final SecondFactor secondFactor;
    private final SessionTermination sessionTermination;
    private final PendingAuthorizations pendingAuthorizations;
    private final ConsentPrompt consentPrompt;
    private final AuthorizationCompletion authorizationCompletion;
    private final SignInCompletion signInCompletion;
    private final FormTokens formTokens;
    private final Metrics metrics;
    private final Database database;
    private final JdbcDatabaseStatus databaseStatus;
    private final Readiness readiness;
    private final Housekeeping housekeeping;
    private final PublicDocuments publicDocuments;
    private final Clock clock;

    /** @param hasher Argon2id for passwords, within its budget; {@code clientSecrets} the HMAC of client secrets */
    public IdentityProvider(IdentitySettings settings, Database database, PasswordHasher hasher,
            ClientSecretHasher clientSecrets, Clock clock, Metrics metrics, LogFormat logFormat) {
        this(settings, database, hasher, clientSecrets, clock, metrics, logFormat, CryptoProvider.preferred());
    }

    /**
     * @param hasher Argon2id for passwords, within its budget; {@code clientSecrets} the HMAC of client secrets
     * @param crypto the JCA provider that signs and verifies tokens
     */
    public IdentityProvider(IdentitySettings settings, Database database, PasswordHasher hasher,
            ClientSecretHasher clientSecrets, Clock clock, Metrics metrics, LogFormat logFormat,
            CryptoProvider crypto) {
        this.settings = settings;
        this.clock = clock;
        this.hasher = hasher;
        this.clientSecrets = clientSecrets;
        this.metrics = metrics;
        this.database = database;
        var dataSource = database.dataSource();
        this.databaseStatus = new JdbcDatabaseStatus(dataSource);
        this.clients = new JdbcClients(dataSource);
        this.users = new JdbcUsers(dataSource);
        JdbcAuditLog auditLog = new JdbcAuditLog(dataSource, settings.auditKey(), logFormat,
                JdbcAuditLog.DEFAULT_CHAIN_BOUND, clock);
        auditLog.prepare();
        this.auditChainer = auditLog.chainer();
        metrics.auditChaining(auditChainer, clock);
        this.audit = new AuditMeters(auditLog, metrics);
        this.auditTrail = auditLog;
        this.grants = new JdbcGrants(dataSource);
        this.refreshTokens = new JdbcRefreshTokens(dataSource);
        this.accessTokens = new JdbcAccessTokens(dataSource);
        refuseUnsealedSecrets(settings, new JdbcSealedSecrets(dataSource));
        this.signingKeys = new SigningKeys(new JdbcSigningKeyStore(dataSource), settings.keyEncryptionKey(), clock,
                settings.keyRotation().publishDelay(), settings.maxTokenLifetime(), crypto).initialize();
        JwtIssuer issuer = new JwtIssuer(settings, signingKeys, clock);
        JdbcSsoSessions ssoSessions = new JdbcSsoSessions(dataSource);
        this.singleSignOn = new SingleSignOn(ssoSessions, users, settings.sessionIdleTtl(), settings.sessionMaxTtl(),
                !settings.devMode(), clock);
        TokenResponseIssuer responses = new TokenResponseIssuer(issuer, accessTokens, settings.refreshIdleTtl(), clock);
        JdbcTransactions transactions = new JdbcTransactions(dataSource);
        this.codeGrant = new AuthorizationCodeGrant(transactions, new JdbcAuthorizationCodes(dataSource), grants,
                ssoSessions, responses, audit, settings.codeTtl(), settings.refreshAbsoluteTtl(), clock);
        this.grantHandlers = new GrantHandlers(List.of(
                codeGrant,
                new RefreshTokenGrant(transactions, refreshTokens, grants, responses, audit, clock,
                        settings.refreshRetryWindow()),
                new ClientCredentialsGrant(transactions, responses, audit, settings.accessTokenTtl(), clock)));
        this.clientAuthenticator = new ClientAuthenticator(clients, clientSecrets, audit);
        this.accessTokenVerifier = new AccessTokenVerifier(settings, signingKeys, accessTokens, clock);
        this.bruteForce = new BruteForceProtection(new JdbcLoginThrottles(dataSource), settings.loginPolicy(), clock,
                metrics::lockout);
        this.deviceCookies = DeviceCookies.of(settings.keyEncryptionKey(), !settings.devMode());
        this.authenticator = new Authenticator(users, hasher, audit, bruteForce, deviceCookies);
        this.secondFactor = new SecondFactor(new JdbcTotpCredentials(dataSource),
                Sealer.forTotpSecrets(settings.keyEncryptionKey()), bruteForce, audit,
                settings.loginPolicy().mfaRequired(), clock);
        this.idTokenHints = new IdTokenHints(settings, signingKeys, clock);
        JdbcBackchannelOutbox backchannelOutbox = new JdbcBackchannelOutbox(dataSource);
        this.backchannelOutbox = backchannelOutbox;
        this.backchannelLogout = new BackchannelLogout(backchannelOutbox, issuer, audit, settings.backchannel());
        metrics.backchannelLogout(backchannelLogout, clock);
        this.pendingAuthorizations = new PendingAuthorizations(new JdbcPendingRequests(dataSource),
                !settings.devMode(), clock);
        this.consentPrompt = new ConsentPrompt(new JdbcPendingConsents(dataSource), new JdbcConsents(dataSource),
                pendingAuthorizations, audit, clock);
        this.sessionTermination = new SessionTermination(singleSignOn, grants, backchannelLogout, audit);
        this.authorizationCompletion = new AuthorizationCompletion(consentPrompt, singleSignOn, codeGrant,
                settings.issuer());
        this.signInCompletion = new SignInCompletion(pendingAuthorizations, singleSignOn, sessionTermination,
                deviceCookies, clients, authorizationCompletion, settings.issuer(),
                settings.loginPolicy().singleSession());
        this.formTokens = new FormTokens(pendingAuthorizations, singleSignOn);
        this.readiness = Readiness.of(databaseStatus, database, signingKeys);
        metrics.activeSessions(() -> ssoSessions.countActive(clock.instant(), settings.sessionIdleTtl()), clock);
        // the purge of expired rows, one node at a time; stopped by close()
        this.housekeeping = Housekeeping.of(dataSource, settings, clock);
        metrics.housekeeping(housekeeping);
        this.publicDocuments = new PublicDocuments(settings, grantHandlers, signingKeys);
    }

    /**
     * Starts what runs in the background, once everything is built (a constructor that failed half-way leaves no
     * thread behind): the audit chainer, the housekeeping and the back-channel logout workers.
     */
    public void start() {
        // after each commit that inserted audit rows, and every second for rows of a node that stopped
        auditChainer.start(AUDIT_CHAIN_PERIOD);
        housekeeping.start();
        // the workers deliver what any node's logouts queued (another node's too); stopped by close()
        backchannelLogout.start();
    }

    /** The protocol endpoints, each built with what it needs; Jersey serves these instances. */
    public List<Object> endpoints() {
        RefreshTokenLookup refreshTokenLookup = new RefreshTokenLookup(refreshTokens, grants);
        AdminAccess adminAccess = new AdminAccess(new AdminToken(settings.adminApi().token()));
        return List.of(
                new DiscoveryEndpoint(publicDocuments),
                new JwksEndpoint(publicDocuments),
                new AuthorizeEndpoint(settings, clients, consentPrompt, secondFactor, singleSignOn,
                        pendingAuthorizations, authorizationCompletion, audit, clock),
                new TokenEndpoint(clientAuthenticator, grantHandlers, metrics),
                new MetricsEndpoint(metrics),
                new UserInfoEndpoint(settings, accessTokenVerifier, users),
                new RevocationEndpoint(clientAuthenticator, refreshTokenLookup, grants, accessTokenVerifier,
                        accessTokens, audit),
                new IntrospectionEndpoint(settings, clientAuthenticator, accessTokenVerifier, refreshTokenLookup,
                        clock),
                new EndSessionEndpoint(settings, idTokenHints, clients, singleSignOn, sessionTermination),
                new AdminUsersEndpoint(adminAccess, bruteForce, users, secondFactor, audit),
                new HealthEndpoint(readiness),
                new AdminEndpoint(adminAccess, signingKeys),
                new AuditEndpoint(adminAccess, auditTrail),
                new AdminBackchannelEndpoint(adminAccess, backchannelOutbox, backchannelLogout));
    }

    /** The provider metadata and the JWK Set, rendered once (the JWK Set again when the published keys change). */
    public PublicDocuments publicDocuments() {
        return publicDocuments;
    }

    /** In front of the Faces pages: forms act only on a same-site POST with their token. */
    public FormProtectionFilter formProtection() {
        return new FormProtectionFilter(formTokens, new RequestOrigin(settings.issuer()));
    }

    /** Always sealed: once the key is set, the provider does not start on secrets stored in plain form. */
    private static void refuseUnsealedSecrets(IdentitySettings settings, JdbcSealedSecrets secrets) {
        if (settings.keyEncryptionKey().isEmpty()) {
            return;
        }
        JdbcSealedSecrets.Count unsealed = secrets.unsealed();
        if (!unsealed.none()) {
            throw new IllegalStateException(unsealed.signingKeys() + " signing key(s) and " + unsealed.totpSecrets()
                    + " TOTP secret(s) are stored unsealed while IDENTITY_KEY_ENCRYPTION_KEY is set: refused. If they "
                    + "were stored before the key was set, seal them with " + Sealer.SEAL_COMMAND + " (same key); "
                    + "otherwise someone wrote them into the database");
        }
    }

    /**
     * Stops what runs in the background: the audit chainer (rows it did not chain are chained by the next one) and
     * the housekeeping (what it did not purge, the next run on any node does), the back-channel logout workers
     * (what they did not deliver stays in the outbox for any node).
     */
    public void close() {
        backchannelLogout.close();
        housekeeping.close();
        auditChainer.close();
    }

    /** For the Faces beans' producer ({@link FacesServices}), the one reader. */
    void attachTo(ServletContext context) {
        context.setAttribute(ATTRIBUTE, this);
    }

    public IdentitySettings settings() {
        return settings;
    }

    public Clients clients() {
        return clients;
    }

    public Users users() {
        return users;
    }

    public AuditLog audit() {
        return audit;
    }

    public AuditTrail auditTrail() {
        return auditTrail;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public PasswordHasher passwordHasher() {
        return hasher;
    }

    public ClientSecretHasher clientSecretHasher() {
        return clientSecrets;
    }

    public Grants grants() {
        return grants;
    }

    public RefreshTokens refreshTokens() {
        return refreshTokens;
    }

    public AccessTokens accessTokens() {
        return accessTokens;
    }

    public AuthorizationCodeGrant codeGrant() {
        return codeGrant;
    }

    public GrantHandlers grantHandlers() {
        return grantHandlers;
    }

    public ClientAuthenticator clientAuthenticator() {
        return clientAuthenticator;
    }

    public AccessTokenVerifier accessTokenVerifier() {
        return accessTokenVerifier;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public SingleSignOn singleSignOn() {
        return singleSignOn;
    }

    public IdTokenHints idTokenHints() {
        return idTokenHints;
    }

    public BackchannelLogout backchannelLogout() {
        return backchannelLogout;
    }

    public BackchannelOutbox backchannelOutbox() {
        return backchannelOutbox;
    }

    public DeviceCookies deviceCookies() {
        return deviceCookies;
    }

    public BruteForceProtection bruteForce() {
        return bruteForce;
    }

    public SecondFactor secondFactor() {
        return secondFactor;
    }

    public SessionTermination sessionTermination() {
        return sessionTermination;
    }

    public PendingAuthorizations pendingAuthorizations() {
        return pendingAuthorizations;
    }

    public ConsentPrompt consentPrompt() {
        return consentPrompt;
    }

    public AuthorizationCompletion authorizationCompletion() {
        return authorizationCompletion;
    }

    public SignInCompletion signInCompletion() {
        return signInCompletion;
    }

    public FormTokens formTokens() {
        return formTokens;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Database database() {
        return database;
    }

    public JdbcDatabaseStatus databaseStatus() {
        return databaseStatus;
    }

    public Readiness readiness() {
        return readiness;
    }
}
