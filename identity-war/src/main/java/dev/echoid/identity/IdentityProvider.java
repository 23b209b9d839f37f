package dev.echoid.identity;

import dev.echoid.identity.config.Database;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.grant.AuthorizationCodeGrant;
import dev.echoid.identity.grant.ClientAuthenticator;
import dev.echoid.identity.grant.GrantHandlers;
import dev.echoid.identity.login.Authenticator;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.JdbcAuditLog;
import dev.echoid.identity.store.JdbcAuthorizationCodes;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcRevokedTokens;
import dev.echoid.identity.store.JdbcSigningKeyStore;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.RevokedTokens;
import dev.echoid.identity.store.Users;
import dev.echoid.identity.token.AccessTokenVerifier;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.TokenIssuer;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.List;

/**
 * The provider assembled: settings, storage and services, wired once at start-up and shared by the endpoints and the
 * login page. Holds no per-user state; everything another node needs is in PostgreSQL.
 */
public final class IdentityProvider {

    private static final String ATTRIBUTE = IdentityProvider.class.getName();

    private final IdentitySettings settings;
    private final Clients clients;
    private final Users users;
    private final AuditLog audit;
    private final SigningKeys signingKeys;
    private final PasswordHasher hasher;
    private final AuthorizationCodeGrant codeGrant;
    private final GrantHandlers grants;
    private final ClientAuthenticator clientAuthenticator;
    private final AccessTokenVerifier accessTokens;
    private final Authenticator authenticator;

    public IdentityProvider(IdentitySettings settings, Database database, PasswordHasher hasher, Clock clock) {
        this.settings = settings;
        this.hasher = hasher;
        var dataSource = database.dataSource();
        this.clients = new JdbcClients(dataSource);
        this.users = new JdbcUsers(dataSource);
        this.audit = new JdbcAuditLog(dataSource);
        RevokedTokens revoked = new JdbcRevokedTokens(dataSource);
        this.signingKeys = new SigningKeys(new JdbcSigningKeyStore(dataSource), settings.keyEncryptionKey(), clock,
                settings.keyRotation().publishDelay(), settings.maxTokenLifetime()).initialize();
        TokenIssuer issuer = new TokenIssuer(settings, signingKeys, clock);
        this.codeGrant = new AuthorizationCodeGrant(new JdbcAuthorizationCodes(dataSource), users, revoked, issuer,
                audit, settings.codeTtl(), clock);
        this.grants = new GrantHandlers(List.of(codeGrant));
        this.clientAuthenticator = new ClientAuthenticator(clients, hasher, audit);
        this.accessTokens = new AccessTokenVerifier(settings, signingKeys, revoked);
        this.authenticator = new Authenticator(users, hasher, audit);
    }

    public static IdentityProvider from(ServletContext context) {
        Object provider = context.getAttribute(ATTRIBUTE);
        if (provider == null) {
            throw new IllegalStateException("The identity provider did not start; see the log");
        }
        return (IdentityProvider) provider;
    }

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

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public PasswordHasher passwordHasher() {
        return hasher;
    }

    public AuthorizationCodeGrant codeGrant() {
        return codeGrant;
    }

    public GrantHandlers grants() {
        return grants;
    }

    public ClientAuthenticator clientAuthenticator() {
        return clientAuthenticator;
    }

    public AccessTokenVerifier accessTokens() {
        return accessTokens;
    }

    public Authenticator authenticator() {
        return authenticator;
    }
}
