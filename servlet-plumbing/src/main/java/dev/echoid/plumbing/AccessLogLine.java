package dev.echoid.plumbing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * One request as the access log shows it. Holds only the path, never the query string (codes, tokens and states
 * travel there), and no header or cookie.
 *
 * @param loginId the sign-in the request belongs to, or null
 */
public record AccessLogLine(String method, String path, int status, long durationMillis, String remoteAddress,
        String loginId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    // ";jsessionid=..." and other path parameters may carry a session id
    private static final Pattern PATH_PARAMETERS = Pattern.compile(";[^/]*");

    /**
     * The request attribute that names the sign-in a request belongs to: set by the code that handles the request,
     * read by the access-log filter once the request completed. It lives and dies with the request, so a reused
     * thread never carries it into the next one.
     */
    public static final String LOGIN_ID_ATTRIBUTE = AccessLogLine.class.getName() + ".loginId";

    /** Tells the request's access line its login id (a later one wins; null changes nothing). */
    public static void noteLoginId(ServletRequest request, String loginId) {
        if (loginId != null) {
            request.setAttribute(LOGIN_ID_ATTRIBUTE, loginId);
        }
    }

    /** The login id noted on the request, or null. */
    public static String loginIdOf(ServletRequest request) {
        return request.getAttribute(LOGIN_ID_ATTRIBUTE) instanceof String loginId ? loginId : null;
    }

    /** The request's path: the request URI without its query string or path parameters. */
    public static String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri.indexOf(';') < 0 ? uri : PATH_PARAMETERS.matcher(uri).replaceAll("");
    }

    public String render(LogFormat format) {
        return format == LogFormat.JSON ? json() : text();
    }

    /** {@code access method=GET path=/identity/token status=200 duration_ms=12 remote=127.0.0.1 login_id=...} */
    public String text() {
        return "access method=" + printable(method) + " path=" + printable(path) + " status=" + status
                + " duration_ms=" + durationMillis + " remote=" + printable(remoteAddress) + " login_id="
                + printable(loginId);
    }

    /** One JSON object on one line; Jackson escapes quotes, backslashes and control characters. */
    public String json() {
        ObjectNode line = JSON.createObjectNode();
        line.put("log", "access");
        line.put("method", method);
        line.put("path", path);
        line.put("status", status);
        line.put("duration_ms", durationMillis);
        line.put("remote", remoteAddress);
        line.put("login_id", loginId);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value that cannot break the line or forge another field: control characters, spaces escaped. */
    static String printable(String value) {
        if (value == null) {
            return "-";
        }
        if (isPrintable(value)) {
            return value; // the usual case: nothing to escape, nothing to copy
        }
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c < 0x21 || c == 0x7f || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
