package dev.echoid.echo.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that decides how to ask for sign-in: an API caller gets {@code 401} with
 * {@code WWW-Authenticate}, a browser is redirected to {@code /login}, remembering where it was going.
 */
final class LoginRequired {

    static final String WWW_AUTHENTICATE = "Bearer realm=\"echo\"";

    private LoginRequired() {
    }

    static void respond(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String context = request.getContextPath();
        if (Responses.wantsJson(request, RequestPaths.withinApp(request))) {
            // RFC 9110 §15.5.2: a 401 MUST carry a WWW-Authenticate header field.
            response.setHeader("WWW-Authenticate", WWW_AUTHENTICATE);
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", "login_required");
            body.put("error_description", "Sign in first; this API accepts only signed-in browser sessions.");
            body.put("login_uri", context + "/login");
            Responses.json(response, HttpServletResponse.SC_UNAUTHORIZED, body);
            return;
        }
        String returnTo = ReturnTo.sanitize(RequestPaths.originalPathAndQuery(request));
        Responses.redirect(response, context + "/login?return_to="
                + URLEncoder.encode(returnTo, StandardCharsets.UTF_8));
    }
}
