package dev.echoid.wildfly;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL (embedded binaries) on the port the build reserved, started once per test JVM before Arquillian
 * starts WildFly, whose data source reaches it through {@code IDENTITY_DB_URL} (wildfly-it/pom.xml). Register it
 * before ArquillianExtension.
 */
public class WildFlyPostgres implements BeforeAllCallback {

    private static EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    private static synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder().setPort(Integer.getInteger("wildfly.db.port")).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // after Arquillian's own hook has stopped WildFly, or at worst alongside it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the JVM is exiting
            }
        }));
    }
}
