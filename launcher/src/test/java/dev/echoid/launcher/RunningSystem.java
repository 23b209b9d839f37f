package dev.echoid.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;

/** The whole system as the run command starts it, on free ports and a fresh data directory, once per test JVM. */
final class RunningSystem {

    private static DevServer server;

    private RunningSystem() {
    }

    static synchronized DevServer get() {
        if (server == null) {
            // the health port as the run command opens it (there on 9001), here on a free port
            server = DevServer.start(freshOptions(temporaryDirectory(),
                    Map.of(DevServer.HEALTH_PORT, Integer.toString(freePort()))));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return server;
    }

    static DevServer.Options freshOptions(Path dataDirectory) {
        return freshOptions(dataDirectory, Map.of());
    }

    static DevServer.Options freshOptions(Path dataDirectory, Map<String, String> settings) {
        return new DevServer.Options("localhost", freePort(), freePort(), dataDirectory,
                Paths.get(System.getProperty("echoid.webapps", "target/webapps")).toAbsolutePath(),
                Optional.empty(), Optional.empty(), Optional.empty(), settings);
    }

    /** 32 random bytes, base64: a key for IDENTITY_KEY_ENCRYPTION_KEY or IDENTITY_AUDIT_KEY. */
    static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("echoid-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
