package dev.echoid.echo.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /signed-out}: the public page the provider returns the browser to after RP-Initiated Logout (the default
 * {@code post_logout_redirect_uri}); also shown directly by {@code /logout} when the provider has no
 * {@code end_session_endpoint}. It reflects nothing from the request.
 */
public final class SignedOutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        page(request, response);
    }

    static void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.page(response, HttpServletResponse.SC_OK, "Signed out",
                "<p class=\"lead\">You are signed out of Echo.</p>\n<div class=\"actions\"><a href=\""
                        + Html.escape(request.getContextPath() + "/login") + "\" class=\"button\">Sign in again</a></div>");
    }
}
