package dev.echoid.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The provider's packages in layers: a package uses its own layer and the ones below it, never one above. Read from
 * the sources, so a newcomer can trust the table in the README; and no service is looked up from the servlet
 * context except by the one CDI producer for the Faces beans ({@link FacesServices}).
 */
class PackageLayersTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/echoid/identity");
    private static final String ROOT = "(root)";

    /** Lowest first. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("config", 0), Map.entry("security", 0),
            Map.entry("store", 1),
            Map.entry("protocol", 2), Map.entry("token", 2), Map.entry("metrics", 2), Map.entry("health", 2),
            Map.entry("audit", 2),
            Map.entry("grant", 3), Map.entry("login", 3), Map.entry("logout", 3), Map.entry("housekeeping", 3),
            Map.entry("endpoint", 4), Map.entry("web", 4),
            Map.entry(ROOT, 5));

    // an import, or a fully qualified name in code or Javadoc: dev.echoid.identity.<package>.<Type> or .<RootType>
    private static final Pattern REFERENCE = Pattern.compile("dev\\.echoid\\.identity\\.(?:([a-z]+)\\.|([A-Z]))");

    @Test
    void everyPackageHasALayer() {
        assertThat(sources()).allSatisfy(source -> assertThat(LAYER).containsKey(packageOf(source)));
    }

    @Test
    void noPackageUsesAPackageAboveIt() {
        List<String> violations = new ArrayList<>();
        for (Path source : sources()) {
            String from = packageOf(source);
            Matcher reference = REFERENCE.matcher(read(source));
            while (reference.find()) {
                String to = reference.group(1) != null ? reference.group(1) : ROOT;
                if (LAYER.getOrDefault(to, Integer.MAX_VALUE) > LAYER.get(from)) {
                    violations.add(SOURCES.relativize(source) + " uses " + to);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void loginUsesNeitherTheRootNorWeb() {
        List<String> references = new ArrayList<>();
        for (Path source : sources()) {
            if (packageOf(source).equals("login")) {
                Matcher reference = REFERENCE.matcher(read(source));
                while (reference.find()) {
                    if (reference.group(1) == null || reference.group(1).equals("web")
                            || reference.group(1).equals("endpoint")) {
                        references.add(SOURCES.relativize(source) + ": " + reference.group());
                    }
                }
            }
        }
        assertThat(references).isEmpty();
    }

    @Test
    void noServiceIsLookedUpFromTheServletContext() {
        for (Path source : sources()) {
            String text = read(source);
            String name = SOURCES.relativize(source).toString();
            assertThat(text).as(name).doesNotContain("IdentityProvider.from(").doesNotContain("provider()")
                    .doesNotContainPattern("@Context\\s+(private\\s+)?(jakarta\\.servlet\\.)?ServletContext");
            if (!name.equals("IdentityProvider.java") && !name.equals("FacesServices.java")) {
                assertThat(text).as(name).doesNotContain("IdentityProvider.ATTRIBUTE");
            }
        }
    }

    @Test
    void endpointsAreBuiltWithTheirCollaboratorsNotInjectedWithRequestFields() {
        for (Path source : sources()) {
            if (packageOf(source).equals("endpoint") && source.getFileName().toString().endsWith("Endpoint.java")) {
                // a request or response reaches a resource method as a parameter: the resources are singletons
                assertThat(read(source)).as(source.toString())
                        .doesNotContainPattern("@Context\\s+private");
            }
        }
    }

    private static String packageOf(Path source) {
        Path relative = SOURCES.relativize(source);
        return relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Path> sources = files.filter(file -> file.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
