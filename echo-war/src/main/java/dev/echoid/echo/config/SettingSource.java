package dev.echoid.echo.config;

import java.util.Optional;

/**
 * Where one setting's value comes from. A blank value counts as absent, so an empty environment variable does
 * not silently override a default.
 */
@FunctionalInterface
public interface SettingSource {

    Optional<String> lookup(String name);

    /** The first source that has a non-blank value wins. */
    static SettingSource firstOf(SettingSource... sources) {
        return name -> {
            for (SettingSource source : sources) {
                Optional<String> value = source.lookup(name).filter(v -> !v.isBlank());
                if (value.isPresent()) {
                    return value;
                }
            }
            return Optional.empty();
        };
    }

    static SettingSource systemProperties() {
        return name -> Optional.ofNullable(System.getProperty(name));
    }

    static SettingSource environment() {
        return name -> Optional.ofNullable(System.getenv(name));
    }
}
