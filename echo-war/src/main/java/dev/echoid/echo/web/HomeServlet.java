package dev.echoid.echo.web;

import dev.echoid.echo.oidc.VerifiedIdentity;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.format.DateTimeFormatter;

/** {@code GET /}: who is signed in, as the verified ID token says. */
public final class HomeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        VerifiedIdentity identity = (VerifiedIdentity) request.getAttribute(VerifiedIdentity.REQUEST_ATTRIBUTE);
        StringBuilder body = new StringBuilder();
        body.append("<p>Signed in as <strong>").append(Html.escape(identity.displayName())).append("</strong>.</p>\n<dl>");
        row(body, "Name", identity.name());
        row(body, "Username", identity.preferredUsername());
        row(body, "Email", identity.email());
        row(body, "Subject", identity.subject());
        row(body, "Issuer", identity.issuer());
        row(body, "Session valid until", DateTimeFormatter.ISO_INSTANT.format(identity.expiresAt()));
        body.append("</dl>\n<p><a href=\"").append(Html.escape(request.getContextPath() + "/api/echo"))
                .append("\">Echo API</a></p>\n<form method=\"post\" action=\"")
                .append(Html.escape(request.getContextPath() + "/logout"))
                .append("\"><button type=\"submit\">Sign out</button></form>");
        Responses.page(response, HttpServletResponse.SC_OK, "Echo", body.toString());
    }

    private static void row(StringBuilder body, String label, String value) {
        if (value != null && !value.isEmpty()) {
            body.append("<dt>").append(Html.escape(label)).append("</dt><dd>").append(Html.escape(value)).append("</dd>");
        }
    }
}
