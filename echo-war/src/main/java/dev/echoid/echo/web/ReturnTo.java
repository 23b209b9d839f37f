package dev.echoid.echo.web;

/**
 * Where to land after sign-in: accepted only as a same-origin path, so the gateway is never an open redirector.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.11">RFC 9700 §4.11 (open redirection)</a>
 */
public final class ReturnTo {

    public static final String HOME = "/";
    private static final int MAX_LENGTH = 2048;
    private static final int MAX_DECODING_ROUNDS = 3;

    private ReturnTo() {
    }

    /**
     * {@code raw} when it is a path below the application, {@link #HOME} otherwise: it must start with one
     * {@code /} (not {@code //}), hold only printable ASCII, and no backslash; the same holds after undoing
     * percent-encoding, so {@code /%2F} or {@code /%5C} tricks are refused too.
     */
    public static String sanitize(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH || !isPrintableAscii(raw)) {
            return HOME;
        }
        String candidate = raw;
        for (int round = 0; round <= MAX_DECODING_ROUNDS; round++) {
            if (!looksLikeLocalPath(candidate)) {
                return HOME;
            }
            String decoded = percentDecode(candidate);
            if (decoded == null) {
                return HOME;
            }
            if (decoded.equals(candidate)) {
                return raw;
            }
            candidate = decoded;
        }
        return HOME;
    }

    private static boolean looksLikeLocalPath(String value) {
        // "//host" and "/\host" are network-path references to browsers; anything not starting with "/" may carry a
        // scheme ("javascript:", "https:").
        if (!value.startsWith("/") || value.startsWith("//") || value.indexOf('\\') >= 0) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** What a Location header can carry as is: no spaces, controls or non-ASCII. */
    private static boolean isPrintableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Undoes %XX escapes only ('+' stays '+'); null on a malformed escape. */
    private static String percentDecode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= value.length()) {
                return null;
            }
            int hi = Character.digit(value.charAt(i + 1), 16);
            int lo = Character.digit(value.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out.append((char) (hi * 16 + lo));
            i += 2;
        }
        return out.toString();
    }
}
