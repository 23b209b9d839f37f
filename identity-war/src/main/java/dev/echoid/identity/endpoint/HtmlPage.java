package dev.echoid.identity.endpoint;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A plain, readable HTML page for a person, every value escaped. */
public final class HtmlPage {

    private HtmlPage() {
    }

    /** A page with a title and one paragraph of plain text. */
    static Response response(int status, String title, String message) {
        return withBody(status, title, "<p>" + escape(message) + "</p>");
    }

    /** A page whose body is already HTML: every value in it must have gone through {@link #escape}. */
    static Response withBody(int status, String title, String bodyHtml) {
        return NoStore.on(Response.status(status))
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(html(title, bodyHtml))
                .build();
    }

    /** The same page for code outside JAX-RS (a servlet filter): a title and one paragraph of plain text. */
    public static String document(String title, String message) {
        return html(title, "<p>" + escape(message) + "</p>");
    }

    private static String html(String title, String bodyHtml) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · EchoID</title>"
                // every endpoint sits at the context root, so this relative link finds the stylesheet
                + "<link rel=\"icon\" type=\"image/svg+xml\" href=\"resources/img/echoid.svg\">"
                + "<link rel=\"stylesheet\" href=\"resources/css/login.css\"></head>"
                + "<body><main class=\"card\"><p class=\"brand\">EchoID</p><h1>" + escape(title) + "</h1>"
                + bodyHtml + "</main></body></html>\n";
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
