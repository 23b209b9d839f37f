package dev.echoid.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** How lists reach stdout: JSON for scripts, or text with nothing that could drive a terminal. */
final class Listing {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Listing() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stored text may be chosen by someone else (a user's name): no control characters reach the terminal. */
    static String printable(Object value) {
        return value == null ? "-" : value.toString().replaceAll("\\p{Cntrl}", "?");
    }
}
