package dev.echoid.echo.config;

import jakarta.servlet.ServletContext;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The lookup order for every gateway setting: ServletContext init parameter, JNDI {@code java:comp/env/NAME},
 * Java system property, environment variable.
 */
public final class ContainerSettingSources {

    private ContainerSettingSources() {
    }

    public static SettingSource standard(ServletContext context) {
        return SettingSource.firstOf(
                name -> Optional.ofNullable(context.getInitParameter(name)),
                ContainerSettingSources::jndi,
                SettingSource.systemProperties(),
                SettingSource.environment());
    }

    private static Optional<String> jndi(String name) {
        try {
            Object value = new InitialContext().lookup("java:comp/env/" + name);
            return value == null ? Optional.empty() : Optional.of(value.toString());
        } catch (NamingException | RuntimeException noNamingOrNoEntry) {
            // Containers without JNDI (embedded Tomcat without naming) simply skip this source.
            return Optional.empty();
        }
    }
}
