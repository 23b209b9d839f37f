package dev.echoid.plumbing;

import java.util.Locale;

/** How a WAR writes its access and audit lines: plain {@code key=value} text (default) or one JSON object. */
public enum LogFormat {
    TEXT, JSON;

    /**
     * The format named by {@code setting} ({@code IDENTITY_LOG_FORMAT}, {@code ECHO_LOG_FORMAT}), text when unset.
     *
     * @throws InvalidSettingException naming {@code setting} when the value is neither {@code text} nor {@code json}
     */
    public static LogFormat from(SettingsSource source, String setting) {
        String value = source.get(setting).orElse("text").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new InvalidSettingException(setting, "must be text or json");
        };
    }
}
