package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The endpoint table (docs/endpoints.md) and what discovery advertises must agree, both ways. */
class DocumentationIT {

    private static final Pattern ROW = Pattern.compile("^\\| `(/[^`]+)` \\|", Pattern.MULTILINE);
    /** Pages and probes for people and operators, not protocol metadata. */
    private static final Set<String> NOT_IN_DISCOVERY = Set.of("/login.xhtml", "/health/live", "/health/ready",
            "/metrics", "/admin/keys", "/admin/keys/rotate?alg=RS256", "/admin/audit?login=ID",
            "/admin/audit?user=NAME&from=&to=",
            "/admin/audit?client=ID&from=&to=", "/admin/audit/verify", "/account.xhtml", "/enrol.xhtml", "/mfa.xhtml",
            "/consent.xhtml",
            "/admin/users/NAME/unlock", "/admin/users/NAME/totp", "/admin/backchannel-logout?state=dead",
            "/admin/backchannel-logout/ID/retry");

    @Test
    void readmeEndpointTableWhenComparedWithDiscoveryThenSameEndpoints() throws Exception {
        DevServer system = RunningSystem.get();
        String issuer = system.options().issuer();
        JsonNode metadata = new ObjectMapper().readTree(
                new Browser().get(URI.create(issuer + "/.well-known/openid-configuration")).body());
        Set<String> advertised = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().endsWith("_endpoint") || field.getKey().equals("jwks_uri")) {
                assertThat(field.getValue().asText()).startsWith(issuer + "/");
                advertised.add(field.getValue().asText().substring(issuer.length()));
            }
        }
        advertised.add("/.well-known/openid-configuration");

        Set<String> documented = new HashSet<>();
        Matcher row = ROW.matcher(providerEndpointTable());
        while (row.find()) {
            for (String path : row.group(1).split("`, `")) {
                documented.add(path);
            }
        }
        documented.removeAll(NOT_IN_DISCOVERY);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(advertised);
    }

    private static String providerEndpointTable() throws Exception {
        Path endpoints = Paths.get(System.getProperty("echoid.endpoints", "../docs/endpoints.md"));
        String text = Files.readString(endpoints);
        int start = text.indexOf("# Provider endpoints");
        assertThat(start).as("docs/endpoints.md starts with 'Provider endpoints'").isZero();
        int end = text.indexOf("\n## ", start);
        return text.substring(start, end < 0 ? text.length() : end);
    }
}
