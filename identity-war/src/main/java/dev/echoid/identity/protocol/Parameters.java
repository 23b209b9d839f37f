package dev.echoid.identity.protocol;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Optional;

/**
 * Request parameters read the way RFC 6749 §3.1 and §3.2 require: "Request and response parameters MUST NOT be
 * included more than once", and a parameter sent without a value is treated as omitted.
 */
public final class Parameters {

    private final MultivaluedMap<String, String> values;

    private Parameters(MultivaluedMap<String, String> values) {
        this.values = values;
    }

    public static Parameters of(MultivaluedMap<String, String> values) {
        return new Parameters(values);
    }

    /** The single value, or empty when absent or blank; a repeated parameter is an {@code invalid_request}. */
    public Optional<String> optional(String name) {
        List<String> list = values.get(name);
        if (list == null || list.isEmpty()) {
            return Optional.empty();
        }
        if (list.size() > 1) {
            throw OAuthException.invalidRequest("Parameter '" + name + "' is included more than once");
        }
        String value = list.get(0);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public String required(String name) {
        return optional(name)
                .orElseThrow(() -> OAuthException.invalidRequest("Missing required parameter '" + name + "'"));
    }

    public boolean has(String name) {
        List<String> list = values.get(name);
        return list != null && !list.isEmpty();
    }
}
