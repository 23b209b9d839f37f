package dev.echoid.echo.web;

import dev.echoid.echo.config.GatewaySettings;
import dev.echoid.echo.config.InvalidSettingsException;
import dev.echoid.echo.config.SessionStoreSettings;
import dev.echoid.echo.session.JdbcSessionStore;
import dev.echoid.echo.session.SharedSessions;
import dev.echoid.plumbing.CryptoProvider;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.LogFormat;
import dev.echoid.plumbing.SettingsSource;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads and validates the settings once, assembles the {@link RelyingParty} and the {@link SessionRegistry}, and
 * secures the session cookie. With
 * a bad configuration the application still deploys, logs what is wrong naming each setting, and answers every
 * request with 503, so users get a readable page instead of a container error.
 */
public final class GatewayStartup implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(GatewayStartup.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        context.setAttribute(SessionRegistry.CONTEXT_ATTRIBUTE, new SessionRegistry());
        GatewaySettings settings;
        CryptoProvider crypto;
        SessionStoreSettings sessionStore;
        try {
            SettingsSource source = SettingsSource.standard(context::getInitParameter);
            settings = GatewaySettings.from(source);
            crypto = CryptoProvider.from(source, GatewaySettings.NATIVE_CRYPTO);
            // AccessLogFilter writes in this format; a typo is refused here like any other setting (as the provider does)
            LogFormat.from(source, GatewaySettings.LOG_FORMAT);
            sessionStore = SessionStoreSettings.from(source);
        } catch (InvalidSettingsException | InvalidSettingException e) {
            LOG.log(System.Logger.Level.ERROR, "Echo gateway NOT started: " + e.getMessage()
                    + ". Every request will answer 503 until this is fixed and the application redeployed.");
            return;
        }
        if (!settings.devMode()) {
            // Outside dev mode the session cookie only travels over TLS.
            context.getSessionCookieConfig().setSecure(true);
        }
        if (sessionStore.shared()) {
            // every node's sessions in one table: a node that dies signs no one out
            try {
                SharedSessions shared = new SharedSessions(context, JdbcSessionStore.open(sessionStore));
                context.setAttribute(SharedSessions.CONTEXT_ATTRIBUTE, shared);
                context.setAttribute(SessionRegistry.CONTEXT_ATTRIBUTE, new SessionRegistry(Optional.of(shared.store())));
            } catch (RuntimeException e) { // SessionStoreException, or the pool cannot start
                LOG.log(System.Logger.Level.ERROR, "Echo gateway NOT started: the session store ("
                        + SessionStoreSettings.URL + ") cannot be used: " + e.getMessage()
                        + ". Every request will answer 503 until this is fixed and the application redeployed.");
                return;
            }
        }
        context.setAttribute(RelyingParty.CONTEXT_ATTRIBUTE, RelyingParty.create(settings, crypto));
        LOG.log(System.Logger.Level.INFO, "Echo gateway started at context path ''{0}'' with {1}, {2}; signatures "
                + "verified by {3}", context.getContextPath(), settings, sessionStore, crypto.description());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object relyingParty = event.getServletContext().getAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
        event.getServletContext().removeAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
        event.getServletContext().removeAttribute(SessionRegistry.CONTEXT_ATTRIBUTE);
        SharedSessions.of(event.getServletContext()).ifPresent(SharedSessions::close);
        event.getServletContext().removeAttribute(SharedSessions.CONTEXT_ATTRIBUTE);
        if (relyingParty instanceof RelyingParty) {
            ((RelyingParty) relyingParty).close();
        }
    }

    static void notConfigured(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.failure(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                "Not configured", "This gateway is not configured yet. The administrator can find the details in "
                        + "the server log.");
    }

    static RelyingParty relyingParty(ServletContext context) {
        RelyingParty relyingParty = (RelyingParty) context.getAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
        if (relyingParty == null) {
            throw new IllegalStateException("the gateway is not configured");
        }
        return relyingParty;
    }
}
