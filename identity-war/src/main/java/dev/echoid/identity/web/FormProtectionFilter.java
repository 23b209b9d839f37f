package dev.echoid.identity.web;

import dev.echoid.identity.endpoint.HtmlPage;
import dev.echoid.plumbing.RequestOrigin;
import dev.echoid.identity.login.FormTokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * In front of the Faces servlet: no form acts on anything but a same-site POST that brings its form's token.
 * <ul>
 * <li>Mojarra treats any request that carries {@code jakarta.faces.ViewState} as a postback, whatever its method,
 * and SameSite=Lax cookies ride along on a top-level GET: a GET or HEAD carrying a view state, another
 * {@code jakarta.faces.*} parameter or a form's field ({@code form:field}) is refused, and so is any other method.</li>
 * <li>A POST that the browser says came from another site ({@code Origin}, {@code Sec-Fetch-Site}) is refused.</li>
 * <li>A POST without its form's token ({@link FormTokens}: bound to the pending request on the sign-in pages, to the
 * sign-on session elsewhere) is refused.</li>
 * </ul>
 * Each refusal is a readable 403 page (405 for another method), and nothing of the request reaches Faces.
 */
public class FormProtectionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private final transient FormTokens formTokens;
    private final transient RequestOrigin origin;

    /** @param origin this site, which the forms' POSTs must come from */
    public FormProtectionFilter(FormTokens formTokens, RequestOrigin origin) {
        this.formTokens = formTokens;
        this.origin = origin;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (IllegalStateException | IllegalArgumentException malformed) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "This request cannot be read",
                    "Its parameters are not valid percent-encoded UTF-8. Go back to the application and try again.");
            return;
        }
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            if (carriesFormAction(parameters)) {
                refuse(response, HttpServletResponse.SC_FORBIDDEN, "This link cannot change anything",
                        "A form of this site acts only when you press its button. Nothing was changed.");
                return;
            }
        } else if (!"POST".equals(method)) {
            response.setHeader("Allow", "GET, HEAD, POST");
            refuse(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Bad request",
                    "The request could not be understood. Go back to the application and try again.");
            return;
        } else if (origin.isCrossSite(request)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "This form was sent from another site",
                    "Only a form on this site's own pages can do this. Nothing was changed.");
            return;
        } else if (!formTokens.matches(request)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "This form has expired",
                    "Nothing was changed. Open the page again and use its button, or go back to the application "
                            + "and sign in again.");
            return;
        }
        chain.doFilter(request, response);
    }

    /** A view state, another Faces parameter, a form's field ({@code form:field}) or its token. */
    static boolean carriesFormAction(Map<String, String[]> parameters) {
        for (String name : parameters.keySet()) {
            if (name.startsWith("jakarta.faces.") || name.indexOf(':') >= 0 || name.equals(FormTokens.PARAMETER)) {
                return true;
            }
        }
        return false;
    }

    private static void refuse(HttpServletResponse response, int status, String title, String message)
            throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        // fixed texts only: nothing of the request is echoed
        response.getWriter().write(HtmlPage.document(title, message));
    }
}
