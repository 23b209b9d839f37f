package dev.echoid.echo.web;

/** HTML escaping for every value a page reflects. */
public final class Html {

    private Html() {
    }

    /** Escapes text for element content and double- or single-quoted attribute values; null becomes "". */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                case '`': out.append("&#96;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }
}
