package dev.echoid.echo.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the {@link StubOpenIdProvider} and configures the gateway through system properties before Arquillian
 * deploys the WAR (register it before {@code ArquillianExtension}; the deployment method also calls
 * {@link #start()}, which is idempotent, so the order cannot be got wrong).
 */
final class StubProviderExtension implements BeforeAllCallback, AfterAllCallback {

    static final String CONTEXT_PATH = "/echo-war";
    private static StubOpenIdProvider stub;

    static synchronized StubOpenIdProvider start() {
        if (stub == null) {
            String port = System.getProperty("echo.it.port");
            if (port == null) {
                throw new IllegalStateException("echo.it.port is not set: run through mvn verify (failsafe)");
            }
            String redirectUri = "http://localhost:" + port + CONTEXT_PATH + "/callback";
            try {
                stub = new StubOpenIdProvider(redirectUri);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty("ECHO_ISSUER", stub.issuer());
            System.setProperty("ECHO_CLIENT_ID", StubOpenIdProvider.CLIENT_ID);
            System.setProperty("ECHO_CLIENT_SECRET", StubOpenIdProvider.CLIENT_SECRET);
            System.setProperty("ECHO_REDIRECT_URI", redirectUri);
            // Plain http in the test: without dev mode the session cookie would be Secure and never sent back.
            System.setProperty("ECHO_DEV_MODE", "true");
        }
        return stub;
    }

    static StubOpenIdProvider stub() {
        return start();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (StubProviderExtension.class) {
            if (stub != null) {
                stub.close();
                stub = null;
            }
        }
    }
}
