package dev.echoid.identity.protocol;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Optional;

/**
 * Request parameters read the way RFC 6749 §3.1 and §3.2 require: "Request and response parameters MUST NOT be
 * included more than once", and a parameter sent without a value is treated as omitted. A value with a control
 * character is refused here, before it can reach a statement or a page (RFC 6749 Appendix A).
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
        // RFC 6749 Appendix A: client_id, state, scope, code and the rest are VSCHAR / NQCHAR / NQSCHAR (printable
        // characters); the URI-valued ones are URI-references, which have no control characters either
        if (value != null && hasControlCharacter(value)) {
            throw OAuthException.invalidRequest("Parameter '" + name + "' contains a control character");
        }
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /**
     * Whether {@code value} has a character of Unicode category Cc (U+0000–U+001F, U+007F–U+009F): none of them is
     * allowed in a protocol parameter, and PostgreSQL refuses NUL in text outright.
     */
    public static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.getType(value.charAt(i)) == Character.CONTROL) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses the request when any value has a control character, before anything else is read (client
     * authentication included): RFC 6749 §5.2 {@code invalid_request}, the request is malformed.
     */
    public Parameters withoutControlCharacters() {
        values.forEach((name, list) -> {
            for (String value : list) {
                if (value != null && hasControlCharacter(value)) {
                    throw OAuthException.invalidRequest("A parameter contains a control character");
                }
            }
        });
        return this;
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
