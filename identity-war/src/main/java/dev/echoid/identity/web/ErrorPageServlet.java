package dev.echoid.identity.web;

import dev.echoid.identity.store.StoreException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The container's error pages ({@code /error/*}, named in {@code web.xml}): fixed words, no detail of the failure.
 * Served by a servlet rather than as static files because the browser resolves a page's links against the address
 * that failed, which may lie at any depth; only the context path gives a stylesheet link that always works.
 */
@WebServlet(urlPatterns = "/error/*")
public class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private record Page(String title, String message) {
    }

    private static final Map<String, Page> PAGES = Map.of(
            "/400.html", new Page("Bad request",
                    "The request could not be understood. Go back to the application and try again."),
            "/404.html", new Page("Page not found", "There is nothing at this address."),
            "/500.html", new Page("Something went wrong",
                    "The sign-in service could not complete the request. Please try again in a moment."),
            "/expired.html", new Page("Your sign-in page expired",
                    "The page was open too long. Go back to the application and sign in again."));

    private static final Page UNAVAILABLE = new Page("The sign-in service is unavailable",
            "The sign-in service cannot reach its database at the moment. Please try again in a minute.");

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Page page = PAGES.get(request.getPathInfo());
        if (request.getDispatcherType() == DispatcherType.ERROR
                && StoreException.unavailableIn((Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION))) {
            // a page (Faces) that failed because the database is away: 503 and when to retry, not a 500
            page = UNAVAILABLE;
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setIntHeader("Retry-After", StoreException.RETRY_AFTER_SECONDS);
        } else if (page == null) {
            page = PAGES.get("/404.html");
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        } else if (request.getDispatcherType() != DispatcherType.ERROR) {
            // asked for directly: the page itself is found; on an error dispatch the container's status stands
            response.setStatus(HttpServletResponse.SC_OK);
        } else if (request.getPathInfo().equals("/expired.html")) {
            // a view state that cannot be restored (the pages are stateless: it was altered or forged) is the
            // client's, not a server error
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        }
        write(request, response, page);
    }

    /**
     * The "database unavailable" page, {@code 503} with {@code Retry-After}, written by the caller itself: a Faces
     * request that failed because the database is away ({@link FacesRequestFilter}), answered without the
     * container's error dispatch, which logs the failure's stack trace first.
     */
    static void unavailable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setIntHeader("Retry-After", StoreException.RETRY_AFTER_SECONDS);
        write(request, response, UNAVAILABLE);
    }

    /** The "page expired" page, {@code 400}: a view state that cannot be restored, answered by the caller itself. */
    static void expired(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        write(request, response, PAGES.get("/expired.html"));
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, Page page)
            throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        // fixed text only: nothing from the request is written into the page but the context path
        response.getWriter().write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + page.title() + " · EchoID</title>\n"
                + "<link rel=\"icon\" type=\"image/svg+xml\" href=\"" + request.getContextPath()
                + "/resources/img/echoid.svg\">\n"
                + "<link rel=\"stylesheet\" href=\"" + request.getContextPath() + "/resources/css/login.css\">\n"
                + "</head>\n<body>\n<main class=\"card\">\n<p class=\"brand\">EchoID</p>\n"
                + "<h1>" + page.title() + "</h1>\n<p>" + page.message() + "</p>\n</main>\n</body>\n</html>\n");
    }
}
