package dev.echoid.echo.config;

import java.util.Locale;
import java.util.Optional;

/** How the gateway writes its access and audit lines: plain {@code key=value} text (default) or one JSON object. */
public enum LogFormat {
    TEXT, JSON;

    public static final String SETTING = "ECHO_LOG_FORMAT";

    /** The format named by {@value #SETTING}; empty when the value is neither {@code text} nor {@code json}. */
    public static Optional<LogFormat> from(SettingSource source) {
        String value = source.lookup(SETTING).map(v -> v.trim().toLowerCase(Locale.ROOT)).orElse("text");
        return switch (value) {
            case "text" -> Optional.of(TEXT);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }
}
