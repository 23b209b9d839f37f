package dev.echoid.identity.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL (embedded binaries, started once per test JVM) and the provider's settings as system
 * properties, which the WAR deployed in the same JVM reads at start-up. Register it before ArquillianExtension.
 */
public class PostgresExtension implements BeforeAllCallback {

    public static final String DEMO_USER = "ada";
    public static final String DEMO_PASSWORD = "correct horse battery staple";
    public static final String CLIENT_ID = "echo";
    /** At least 32 characters: the provider refuses a shorter operator-supplied client secret. */
    public static final String CLIENT_SECRET = "echo-secret-for-tests-only-0123456789";
    public static final String REDIRECT_URI = "https://echo.example/callback";
    // key rotation (KeyRotationIT): a short publish delay, and the admin endpoints switched on
    public static final int KEY_PUBLISH_DELAY_SECONDS = 3;
    public static final String ADMIN_TOKEN = "admin-token-for-tests-only-0123456789abcdef";
    /** Lets OperationsIT scrape /metrics through a (pretended) proxy. */
    public static final String METRICS_TOKEN = "metrics-token-for-tests-only-0123456789abcdef";
    /** Brute-force defence, tightened so tests see it: 3 failures, then 2 s more per failure, at most 4 s. */
    public static final int MAX_FAILURES = 3;
    public static final int LOCK_SECONDS = 2;
    /** The password-hashing budget (CredentialHashingIT): two Argon2id at once, four more may wait. */
    public static final int HASH_CONCURRENCY = 2;
    public static final int HASH_QUEUE = 4;
    /** Back-channel logout attempts before a dead letter (SessionIT). */
    public static final int BACKCHANNEL_MAX_ATTEMPTS = 4;

    /** Secrets at rest, as outside dev mode: random for each test JVM, never committed. */
    public static final byte[] KEY_ENCRYPTION_KEY = dev.echoid.identity.security.RandomTokens.bytes(32);
    public static final byte[] AUDIT_KEY = dev.echoid.identity.security.RandomTokens.bytes(32);

    private static EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    public static synchronized DataSource dataSource() {
        return start().getPostgresDatabase();
    }

    public static String issuer() {
        return "http://localhost:" + System.getProperty("identity.it.port", "18080") + "/identity";
    }

    private static synchronized EmbeddedPostgres start() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            System.setProperty("IDENTITY_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
            System.setProperty("IDENTITY_DB_USER", "postgres");
            System.setProperty("IDENTITY_DB_PASSWORD", "postgres");
            System.setProperty("IDENTITY_ISSUER", issuer());
            System.setProperty("IDENTITY_DEV_MODE", "true");
            System.setProperty("IDENTITY_KEY_ENCRYPTION_KEY",
                    java.util.Base64.getEncoder().encodeToString(KEY_ENCRYPTION_KEY));
            System.setProperty("IDENTITY_AUDIT_KEY", java.util.Base64.getEncoder().encodeToString(AUDIT_KEY));
            System.setProperty("IDENTITY_BOOTSTRAP_USER", DEMO_USER);
            System.setProperty("IDENTITY_BOOTSTRAP_PASSWORD", DEMO_PASSWORD);
            System.setProperty("IDENTITY_BOOTSTRAP_CLIENT_ID", CLIENT_ID);
            System.setProperty("IDENTITY_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET);
            System.setProperty("IDENTITY_BOOTSTRAP_REDIRECT_URIS", REDIRECT_URI);
            System.setProperty("IDENTITY_KEY_PUBLISH_DELAY_SECONDS", String.valueOf(KEY_PUBLISH_DELAY_SECONDS));
            System.setProperty("IDENTITY_ADMIN_TOKEN", ADMIN_TOKEN);
            System.setProperty("IDENTITY_METRICS_TOKEN", METRICS_TOKEN);
            System.setProperty("IDENTITY_BRUTE_FORCE_MAX_FAILURES", String.valueOf(MAX_FAILURES));
            System.setProperty("IDENTITY_BRUTE_FORCE_WAIT_INCREMENT_SECONDS", String.valueOf(LOCK_SECONDS));
            System.setProperty("IDENTITY_BRUTE_FORCE_MAX_WAIT_SECONDS", String.valueOf(2 * LOCK_SECONDS));
            // every test request comes from 127.0.0.1: the per-address limit is tested on the store instead
            System.setProperty("IDENTITY_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS", "100000");
            // the tests' HTTP client is a trusted proxy: X-Forwarded-For names the client it pretends to be
            System.setProperty("IDENTITY_TRUSTED_PROXIES", "127.0.0.1 ::1");
            System.setProperty("IDENTITY_PASSWORD_HASH_CONCURRENCY", String.valueOf(HASH_CONCURRENCY));
            System.setProperty("IDENTITY_PASSWORD_HASH_QUEUE", String.valueOf(HASH_QUEUE));
            // back-channel logout (SessionIT): a receiver that always fails is dead-lettered within seconds
            System.setProperty("IDENTITY_BACKCHANNEL_READ_TIMEOUT_MILLIS", "1000");
            System.setProperty("IDENTITY_BACKCHANNEL_RETRY_INITIAL_MILLIS", "200");
            System.setProperty("IDENTITY_BACKCHANNEL_RETRY_MAX_MILLIS", "800");
            System.setProperty("IDENTITY_BACKCHANNEL_MAX_ATTEMPTS", String.valueOf(BACKCHANNEL_MAX_ATTEMPTS));
            System.setProperty("IDENTITY_BACKCHANNEL_POLL_MILLIS", "200");
        }
        return postgres;
    }
}
