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
            server = DevServer.start(freshOptions(temporaryDirectory()));
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
