package dev.echoid.identity;

import dev.echoid.identity.config.CredentialHashing;
import dev.echoid.identity.config.Database;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.endpoint.ProtocolApplication;
import dev.echoid.identity.endpoint.PublicDocumentFilter;
import dev.echoid.identity.health.StartupState;
import dev.echoid.identity.web.DeferredFilter;
import dev.echoid.identity.web.StartupGate;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.plumbing.CryptoProvider;
import dev.echoid.identity.security.Argon2id;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.User;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebListener;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Starts the provider with the web application: reads and validates the settings, then opens and migrates the
 * database, loads (or creates) the signing key, creates the bootstrap user and client when configured and absent.
 * A bad setting stops the deployment with a message that names it. A database that cannot be reached yet does not:
 * the deployment completes, not ready, answering 503 ({@link StartupGate}), and what needs the database is built
 * when it first answers ({@link Startup}), then published at once.
 */
@WebListener
public class Bootstrap implements ServletContextListener {

    private static final Logger LOG = System.getLogger(Bootstrap.class.getName());

    private volatile Database database;
    private volatile Metrics metrics;
    private volatile IdentityProvider provider;
    private Startup startup;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        SettingsSource source = SettingsSource.standard(context::getInitParameter);
        try {
            IdentitySettings settings = IdentitySettings.from(source).requireSecretsOutsideDevMode();
            CredentialHashing hashing = CredentialHashing.from(source);
            LogFormat logFormat = LogFormat.from(source, IdentitySettings.LOG_FORMAT);
            metrics = Metrics.from(source);
            HashingBudget budget = new HashingBudget(hashing.concurrency(), hashing.queue(), hashing.queueTimeout());
            metrics.passwordHashing(budget);
            PasswordHasher hasher = PasswordHasher.owaspDefault(budget, Argon2id.from(source));
            LOG.log(Level.INFO, "Password hashing budget: {0} Argon2id at once (at most {1} MiB), {2} more may "
                    + "wait {3} ms; computed by {4}", hashing.concurrency(),
                    hashing.concurrency() * hasher.memoryKib() / 1024, hashing.queue(),
                    hashing.queueTimeout().toMillis(), hasher.argon2id());
            CryptoProvider crypto = CryptoProvider.from(source, IdentitySettings.NATIVE_CRYPTO);
            DataSource probe = Database.probe(source);
            if (!settings.devMode()) {
                context.getSessionCookieConfig().setSecure(true); // only while the application starts
            }
            StartupState state = new StartupState();
            Published published = register(context, state);
            startup = new Startup(state, probe, Database.describe(source), () -> {
                database = Database.open(source, metrics.registry());
                database.migrate();
                provider = new IdentityProvider(settings, database, hasher,
                        new ClientSecretHasher(hashing.clientSecretKey(), hasher), Clock.systemUTC(), metrics,
                        logFormat, crypto);
                seed(provider, settings.bootstrap(), settings.devMode());
                provider.start();
                published.publish(provider);
                LOG.log(Level.INFO, "Identity provider started: issuer {0}, tokens signed by {1}", settings.issuer(),
                        provider.signingKeys().signingKey().signatureProvider()
                                + (crypto.isNative() ? " (native)" : " (JDK)"));
            }, this::closeBuilt);
            startup.start();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Identity provider failed to start: " + e.getMessage(), e);
            close();
            throw e;
        }
    }

    /** The filters that need the provider, registered now (the container allows it only now), built later. */
    private record Published(DeferredFilter discovery, DeferredFilter jwks, DeferredFilter protocol,
            DeferredFilter formProtection, ServletContext context) {

        void publish(IdentityProvider provider) throws ServletException {
            discovery.publish(PublicDocumentFilter.discovery(provider.publicDocuments()));
            jwks.publish(PublicDocumentFilter.jwks(provider.publicDocuments()));
            protocol.publish(new ServletContainer(new ProtocolApplication(provider.endpoints())));
            formProtection.publish(provider.formProtection());
            provider.attachTo(context);
        }
    }

    /**
     * After the filters {@code web.xml} maps (so behind transport security and the request limits): the start-up
     * gate, then the two public documents answered from the bytes rendered once, then Jersey on {@code /*} serving
     * the endpoints the provider built; in front of the Faces servlet, the form protection.
     */
    private static Published register(ServletContext context, StartupState state) {
        context.addFilter("startupGate", new StartupGate(state))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        DeferredFilter discovery = new DeferredFilter();
        context.addFilter("discoveryDocument", discovery)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/.well-known/openid-configuration");
        DeferredFilter jwks = new DeferredFilter();
        context.addFilter("jwksDocument", jwks)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/jwks");
        DeferredFilter protocol = new DeferredFilter();
        FilterRegistration.Dynamic jersey = context.addFilter("protocol", protocol);
        jersey.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        // every Faces page, after the Faces request checks web.xml maps: see FormProtectionFilter
        DeferredFilter formProtection = new DeferredFilter();
        context.addFilter("formProtection", formProtection)
                .addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST), true, "faces");
        return new Published(discovery, jwks, protocol, formProtection, context);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        close();
    }

    private void close() {
        if (startup != null) {
            startup.close();
        }
        closeBuilt();
        if (metrics != null) {
            metrics.close();
        }
    }

    /** What a build opened: on undeploy, or after a build that failed half-way (the next attempt opens anew). */
    private void closeBuilt() {
        IdentityProvider built = provider;
        provider = null;
        if (built != null) {
            built.close();
        }
        Database opened = database;
        database = null;
        if (opened != null) {
            opened.close();
        }
    }

    private static void seed(IdentityProvider provider, IdentitySettings.Bootstrap bootstrap, boolean devMode) {
        PasswordHasher hasher = provider.passwordHasher();
        bootstrap.username().ifPresent(username -> {
            String password = bootstrap.password().orElseThrow();
            provider.settings().loginPolicy().problemWithNewPassword(password).ifPresent(problem -> {
                throw new InvalidSettingException(IdentitySettings.Bootstrap.PASSWORD, problem);
            });
            if (provider.users().findByUsername(username).isEmpty()) {
                boolean created = provider.users().createIfAbsent(new User(UUID.randomUUID(), username,
                        hasher.hash(bootstrap.password().orElseThrow()), "Demo User", username + "@example.com",
                        false, true));
                if (created) {
                    LOG.log(Level.INFO, "Created bootstrap user {0}", username);
                }
            }
        });
        bootstrap.clientId().ifPresent(clientId -> {
            boolean exists = provider.clients().find(clientId).isPresent();
            if (exists && !devMode) {
                return; // production: created once, then managed by the operator, never overwritten
            }
            String secretHash = bootstrap.clientSecret().map(provider.clientSecretHasher()::hash).orElse(null);
            Client client = new Client(clientId, clientId, secretHash, bootstrap.redirectUris(), true,
                    bootstrap.grantTypes(), bootstrap.postLogoutRedirectUris(),
                    bootstrap.backchannelLogoutUri().orElse(null), "RS256", false, bootstrap.firstParty(),
                    bootstrap.applicationType(), List.of());
            if (exists) {
                // dev mode: the launcher's settings (ports, URIs) win over what an earlier run registered
                provider.clients().update(client);
                LOG.log(Level.INFO, "Updated bootstrap client {0} to the current settings (dev mode)", clientId);
            } else if (provider.clients().createIfAbsent(client)) {
                LOG.log(Level.INFO, "Created bootstrap client {0} ({1})", clientId,
                        secretHash == null ? "public" : "confidential");
            }
        });
    }
}
