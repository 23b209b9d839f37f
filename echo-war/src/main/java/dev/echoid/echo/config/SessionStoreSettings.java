package dev.echoid.echo.config;

import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the gateway keeps its sessions: in the container's memory (one node, the default) or in a PostgreSQL table
 * every gateway node shares ({@code jdbc}), so a node that dies signs no one out.
 *
 * @param kind     {@value #STORE}: {@code memory} or {@code jdbc}
 * @param url      {@value #URL}, required with {@code jdbc}
 * @param user     {@value #USER}
 * @param password {@value #PASSWORD}
 * @param poolSize {@value #POOL_SIZE}, connections each node keeps to the session database
 */
public record SessionStoreSettings(Kind kind, String url, Optional<String> user, Optional<String> password,
        int poolSize) {

    public static final String STORE = "ECHO_SESSION_STORE";
    public static final String URL = "ECHO_SESSION_DB_URL";
    public static final String USER = "ECHO_SESSION_DB_USER";
    public static final String PASSWORD = "ECHO_SESSION_DB_PASSWORD";
    public static final String POOL_SIZE = "ECHO_SESSION_DB_POOL_SIZE";
    public static final int DEFAULT_POOL_SIZE = 5;

    public enum Kind { MEMORY, JDBC }

    public static SessionStoreSettings from(SettingsSource source) {
        String kind = source.get(STORE).orElse("memory").toLowerCase(Locale.ROOT);
        if (kind.equals("memory")) {
            return new SessionStoreSettings(Kind.MEMORY, null, Optional.empty(), Optional.empty(), 0);
        }
        if (!kind.equals("jdbc")) {
            throw new InvalidSettingException(STORE, "must be memory or jdbc");
        }
        String url = source.get(URL).orElseThrow(() -> new InvalidSettingException(URL,
                "is required with " + STORE + "=jdbc (for example jdbc:postgresql://db:5432/echo)"));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new InvalidSettingException(URL, "must be a jdbc:postgresql: URL");
        }
        int poolSize;
        try {
            poolSize = source.get(POOL_SIZE).map(Integer::parseInt).orElse(DEFAULT_POOL_SIZE);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(POOL_SIZE, "must be a whole number");
        }
        if (poolSize < 1 || poolSize > 100) {
            throw new InvalidSettingException(POOL_SIZE, "must be between 1 and 100");
        }
        return new SessionStoreSettings(Kind.JDBC, url, source.get(USER), source.get(PASSWORD), poolSize);
    }

    public boolean shared() {
        return kind == Kind.JDBC;
    }

    @Override
    public String toString() {
        return shared() ? "sessions in PostgreSQL (" + url.replaceAll("password=[^&]*", "password=***") + ")"
                : "sessions in memory";
    }
}
