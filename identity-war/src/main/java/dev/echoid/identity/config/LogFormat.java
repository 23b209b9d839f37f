package dev.echoid.identity.config;

import java.util.Locale;

/** How the provider writes its access and audit lines: plain {@code key=value} text (default) or one JSON object. */
public enum LogFormat {
    TEXT, JSON;

    public static final String SETTING = "IDENTITY_LOG_FORMAT";

    public static LogFormat from(SettingsSource source) {
        String value = source.get(SETTING).orElse("text").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new InvalidSettingException(SETTING, "must be text or json");
        };
    }
}
