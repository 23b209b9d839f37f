package dev.echoid.plumbing;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Where a setting comes from, by its one name (e.g. {@code IDENTITY_ISSUER}, {@code ECHO_ISSUER}), first match wins:
 * the web application's context parameters (Tomcat {@code <Parameter>}), JNDI {@code java:comp/env/NAME}, a Java
 * system property, the process environment. A blank value counts as absent, so an empty environment variable does
 * not silently override a default; a value is trimmed.
 */
@FunctionalInterface
public interface SettingsSource {

    Optional<String> get(String name);

    /** The container's sources, in the documented order. */
    static SettingsSource standard(Function<String, String> contextParameters) {
        return name -> firstNonBlank(
                contextParameters.apply(name),
                jndi(name),
                System.getProperty(name),
                System.getenv(name));
    }

    /** The first source that has a non-blank value wins. */
    static SettingsSource firstOf(SettingsSource... sources) {
        return name -> {
            for (SettingsSource source : sources) {
                Optional<String> value = source.get(name).filter(v -> !v.isBlank());
                if (value.isPresent()) {
                    return value;
                }
            }
            return Optional.empty();
        };
    }

    static SettingsSource of(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    private static String jndi(String name) {
        try {
            Object value = new InitialContext().lookup("java:comp/env/" + name);
            return value == null ? null : value.toString();
        } catch (NamingException | RuntimeException notBound) {
            return null;
        }
    }

    private static Optional<String> firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }
}
