package dev.echoid.echo.web;

import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.SessionTokens;
import dev.echoid.echo.oidc.VerifiedIdentity;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** {@code GET /}: who is signed in, as the verified ID token says. */
public final class HomeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter READABLE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        VerifiedIdentity identity = (VerifiedIdentity) request.getAttribute(VerifiedIdentity.REQUEST_ATTRIBUTE);
        RelyingParty relyingParty = GatewayStartup.relyingParty(getServletContext());
        Instant now = relyingParty.clock().instant();
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"lead\">Signed in as <strong>").append(Html.escape(identity.displayName()))
                .append("</strong>.</p>\n<section class=\"card\" aria-label=\"Identity from the ID token\">\n<dl>");
        row(body, "Name", identity.name());
        row(body, "Username", identity.preferredUsername());
        row(body, "Email", identity.email());
        rowHtml(body, "Subject", "<code>" + Html.escape(identity.subject()) + "</code>");
        rowHtml(body, "Issuer", "<code>" + Html.escape(identity.issuer()) + "</code>");
        boolean renewable = request.getSession(false) != null
                && SignedInSession.tokens(request.getSession(false)).map(SessionTokens::canRefresh).orElse(false);
        rowHtml(body, "ID token expires", expiry(identity.expiresAt(), now, renewable));
        body.append("</dl>\n</section>\n<div class=\"actions\">")
                .append(LogoutServlet.signOutForm(request, "Sign out"))
                .append("<a class=\"button\" href=\"").append(Html.escape(request.getContextPath() + "/api/echo"))
                .append("\">Echo API (JSON)</a></div>");
        // sign-out answers with a redirect to the provider's end_session_endpoint
        Responses.page(response, HttpServletResponse.SC_OK, "Your identity", body.toString(),
                relyingParty.metadata().endSession());
    }

    /** The expiry as a machine-readable {@code <time>}, a readable UTC time, and how far away it is. */
    static String expiry(Instant expiresAt, Instant now, boolean renewable) {
        long minutes = Duration.between(now, expiresAt).toMinutes();
        String until = minutes >= 1 ? "in " + minutes + (minutes == 1 ? " minute" : " minutes")
                : now.isBefore(expiresAt) ? "in less than a minute" : "expired";
        return "<time datetime=\"" + DateTimeFormatter.ISO_INSTANT.format(expiresAt.truncatedTo(ChronoUnit.SECONDS))
                + "\">" + READABLE.format(expiresAt) + "</time> <span class=\"muted\">(" + until
                + (renewable ? "; renewed automatically" : "; then sign in again") + ")</span>";
    }

    private static void row(StringBuilder body, String label, String value) {
        if (value != null && !value.isEmpty()) {
            rowHtml(body, label, Html.escape(value));
        }
    }

    private static void rowHtml(StringBuilder body, String label, String valueHtml) {
        body.append("\n<dt>").append(Html.escape(label)).append("</dt><dd>").append(valueHtml).append("</dd>");
    }
}
