package dev.echoid.identity.web;

import dev.echoid.identity.endpoint.HtmlPage;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;

/**
 * A request whose {@code Content-Type} does not parse, or names a charset this JVM does not know, is answered here,
 * before Jersey or Faces reads its body: {@code 400} or {@code 415} with {@code {"error":"invalid_request", ...}}, or
 * a page when a browser asks for HTML. Left to them, Jersey answers the first with an empty {@code 400} and its form
 * reader fails on the second with a server error. The protocol's forms are UTF-8 (RFC 6749 Appendix B); a known
 * charset other than that is left to the endpoint.
 */
public class RequestContentTypeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String header = request.getHeader("Content-Type");
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(header); // Jersey's own parser, so that what passes here parses there too
        } catch (RuntimeException unparseable) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "This request cannot be read",
                    "The Content-Type header does not parse.");
            return;
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !isSupported(charset)) {
            refuse(request, response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "This request cannot be read",
                    "The request's charset is not supported; send UTF-8.");
            return;
        }
        if (charset == null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            // a browser sends a form in its page's encoding, and every page here is UTF-8 (HTML: "form submission
            // algorithm"); Tomcat would read it as ISO-8859-1, and "ＡＬＩＣＥ" would reach the sign-in garbled
            request.setCharacterEncoding(StandardCharsets.UTF_8.name());
        }
        chain.doFilter(request, response);
    }

    private static boolean isSupported(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String title,
            String description) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains("text/html")) {
            response.setContentType("text/html");
            response.getWriter().write(HtmlPage.document(title, description));
        } else {
            response.setContentType("application/json");
            // fixed texts only: nothing of the request is echoed
            response.getWriter().write("{\"error\":\"invalid_request\",\"error_description\":\"" + description + "\"}");
        }
    }
}
