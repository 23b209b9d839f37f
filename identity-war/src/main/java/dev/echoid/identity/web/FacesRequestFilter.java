package dev.echoid.identity.web;

import dev.echoid.identity.endpoint.HtmlPage;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.StoreException;
import jakarta.faces.application.ViewExpiredException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the Faces pages get, checked before Mojarra reads it, since Mojarra turns each of these into a server error:
 * <ul>
 * <li>parameters that do not decode (a broken %-escape, bytes that are not UTF-8) or that hold a control character
 * answer {@code 400} with a page: a field of the login, second-step or enrolment form never brings one to a
 * statement or a page (RFC 6749 Appendix A: the user name and password are UNICODECHARNOCRLF; the forms' other
 * fields are printable ASCII);</li>
 * <li>an {@code Accept} header that does not parse is read as {@code text/html} (Mojarra fails on an empty
 * element or a bad {@code q});</li>
 * <li>an {@code If-Modified-Since} that is not an HTTP-date is ignored, as RFC 9110 §13.1.3 requires (Tomcat's
 * {@code getDateHeader} throws on it);</li>
 * <li>a view that does not exist is a {@code 404}, also when the request carries a view state (Mojarra then tries to
 * restore it and fails).</li>
 * </ul>
 * And what a page's failure is answered with when the failure is expected, here rather than by the container's
 * error dispatch, which first logs the failure with its whole stack trace at SEVERE: the database away (a
 * {@code 503} page with {@code Retry-After}, and one WARNING line naming the cause), or a view state that cannot be
 * restored (the pages are stateless, so it was altered: the {@code 400} "page expired" page, and no log line, as
 * the access log has the request). An outage, or a client forging view states, would otherwise write a hundred
 * lines of trace per request.
 */
public class FacesRequestFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(FacesRequestFilter.class.getName());
    private static final String RESOURCE_PREFIX = "/jakarta.faces.resource/";
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_RANGE = Pattern.compile(TOKEN + "/" + TOKEN
            + "(\\s*;\\s*" + TOKEN + "=(" + TOKEN + "|\"[^\"\\\\]*\"))*");
    private static final Pattern QUALITY = Pattern.compile("(?i).*;\\s*q=(?!(0(\\.\\d{0,3})?|1(\\.0{0,3})?)(\\s*;|$)).*");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String view = request.getServletPath();
        if (!view.startsWith(RESOURCE_PREFIX) && getServletContext().getResource(view) == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (IllegalStateException | IllegalArgumentException malformed) {
            // Tomcat's InvalidParameterException: a broken %-escape, bytes that are not UTF-8, too many parameters
            refuse(response, "Its fields are not valid percent-encoded UTF-8.");
            return;
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            boolean control = Parameters.hasControlCharacter(parameter.getKey());
            for (String value : parameter.getValue()) {
                control |= Parameters.hasControlCharacter(value);
            }
            if (control) {
                refuse(response, "A field contains a control character.");
                return;
            }
        }
        try {
            chain.doFilter(new Readable(request), response);
        } catch (ServletException | RuntimeException failure) {
            if (response.isCommitted()) {
                throw failure;
            }
            if (StoreException.unavailableIn(failure)) {
                LOG.log(Level.WARNING, "{0} {1} answered 503: the database is unavailable ({2})",
                        request.getMethod(), view, databaseCause(failure));
                response.resetBuffer(); // the headers stay, as on the container's error dispatch
                ErrorPageServlet.unavailable(request, response);
                return;
            }
            if (causedBy(failure, ViewExpiredException.class)) {
                response.resetBuffer();
                ErrorPageServlet.expired(request, response);
                return;
            }
            throw failure;
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The driver's or the pool's own words (the first SQLException in the chain), else the root cause's. */
    private static String databaseCause(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException) {
                return t.toString();
            }
            root = t;
        }
        return root.toString();
    }

    private static void refuse(HttpServletResponse response, String description) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setHeader("Cache-Control", "no-store");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentType("text/html");
        // fixed texts only: nothing of the request is echoed
        response.getWriter().write(HtmlPage.document("This request cannot be read", description
                + " Go back to the application and try again."));
    }

    static boolean acceptParses(String accept) {
        for (String range : accept.split(",", -1)) {
            String trimmed = range.trim();
            if (!MEDIA_RANGE.matcher(trimmed).matches() || QUALITY.matcher(trimmed).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The request with the two headers Mojarra cannot read made readable. */
    private static final class Readable extends HttpServletRequestWrapper {

        Readable(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            String value = super.getHeader(name);
            if (value == null) {
                return null;
            }
            if (name.equalsIgnoreCase("Accept") && !acceptParses(value)) {
                return "text/html";
            }
            if (name.equalsIgnoreCase("If-Modified-Since") && !isDate(name)) {
                return null;
            }
            return value;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (name.equalsIgnoreCase("Accept") || name.equalsIgnoreCase("If-Modified-Since")) {
                String value = getHeader(name);
                return value == null ? Collections.emptyEnumeration() : Collections.enumeration(
                        java.util.List.of(value));
            }
            return super.getHeaders(name);
        }

        @Override
        public long getDateHeader(String name) {
            try {
                return super.getDateHeader(name);
            } catch (IllegalArgumentException notADate) {
                // RFC 9110 §13.1.3: "A recipient MUST ignore the If-Modified-Since header field if the received
                // field value is not a valid HTTP-date"
                return -1;
            }
        }

        private boolean isDate(String name) {
            try {
                super.getDateHeader(name);
                return true;
            } catch (IllegalArgumentException notADate) {
                return false;
            }
        }
    }
}
