package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The provider deployed as production runs it (dev mode off, https issuer) in real Tomcat, with one of the two keys
 * of secrets at rest left empty: it does not start, and its log names the missing key.
 */
class MissingKeysIT {

    @Test
    void providerOutsideDevModeRefusesToStartWithoutKeyEncryptionKey() {
        assertRefusedWithout("IDENTITY_KEY_ENCRYPTION_KEY");
    }

    @Test
    void providerOutsideDevModeRefusesToStartWithoutAuditKey() {
        assertRefusedWithout("IDENTITY_AUDIT_KEY");
    }

    private static void assertRefusedWithout(String key) {
        int identityPort = RunningSystem.freePort();
        String issuer = "https://localhost:" + identityPort + "/identity";
        Map<String, String> production = Map.of(
                "IDENTITY_DEV_MODE", "false",
                "IDENTITY_ISSUER", issuer,
                "IDENTITY_BOOTSTRAP_REDIRECT_URIS", "https://localhost/callback",
                "IDENTITY_BOOTSTRAP_POST_LOGOUT_REDIRECT_URIS", "https://localhost/signed-out",
                "IDENTITY_BOOTSTRAP_BACKCHANNEL_LOGOUT_URI", "https://localhost/backchannel-logout",
                // the launcher's generated key, taken away: an empty setting counts as not set
                key, "");
        DevServer.Options defaults = RunningSystem.freshOptions(RunningSystem.temporaryDirectory());
        List<String> log = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                log.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            assertThatThrownBy(() -> DevServer.start(new DevServer.Options("localhost", identityPort,
                    RunningSystem.freePort(), defaults.dataDirectory(), defaults.webapps(), defaults.databaseUrl(),
                    defaults.databaseUser(), defaults.databasePassword(), production)).close())
                    .hasMessageContaining("'/identity' failed to start");
        } finally {
            root.removeHandler(capture);
        }
        assertThat(log).anySatisfy(line -> assertThat(line).contains("Identity provider failed to start: " + key
                + " is required outside dev mode"));
    }
}
