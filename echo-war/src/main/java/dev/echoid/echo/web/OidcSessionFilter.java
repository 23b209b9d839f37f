package dev.echoid.echo.web;

import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.VerifiedIdentity;
import dev.echoid.echo.session.SessionStoreException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's guard on {@code /*}: public paths pass; every other request must belong to a session whose ID token
 * still verifies (signature, {@code iss}, {@code aud}, {@code exp}), checked anew on every request and renewed
 * shortly before it expires ({@link SessionIdentity}). Also the last line against stack traces: anything thrown below
 * becomes a generic 500.
 */
public final class OidcSessionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(OidcSessionFilter.class.getName());
    private static final Set<String> PUBLIC_PATHS = Set.of("/login", "/callback", "/logout", "/signed-out",
            "/backchannel-logout", "/favicon.ico");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
        try {
            RelyingParty relyingParty = (RelyingParty) getServletContext().getAttribute(RelyingParty.CONTEXT_ATTRIBUTE);
            if (isHealth(RequestPaths.withinApp(request))) {
                chain.doFilter(request, response); // they answer for themselves, configured or not
                return;
            }
            if (relyingParty == null) {
                GatewayStartup.notConfigured(request, response);
                return;
            }
            if (isPublic(RequestPaths.withinApp(request))) {
                if (!parametersReadable(request)) {
                    Responses.failure(request, response, HttpServletResponse.SC_BAD_REQUEST, "invalid_request",
                            "This request cannot be read", "Its parameters are not valid percent-encoded UTF-8.");
                    return;
                }
                if (hasControlCharacter(request)) {
                    Responses.failure(request, response, HttpServletResponse.SC_BAD_REQUEST, "invalid_request",
                            "This request cannot be read", "A parameter contains a control character.");
                    return;
                }
                chain.doFilter(request, response);
                return;
            }
            Optional<VerifiedIdentity> identity = SessionIdentity.of(request, relyingParty,
                    SessionRegistry.of(getServletContext()));
            if (identity.isEmpty()) {
                LoginRequired.respond(request, response);
                return;
            }
            request.setAttribute(VerifiedIdentity.REQUEST_ATTRIBUTE, identity.get());
            chain.doFilter(request, response);
        } catch (ProviderException e) {
            try {
                Responses.providerUnavailable(request, response, e);
            } catch (Exception writeFailed) {
                Responses.unexpected(request, response, writeFailed);
            }
        } catch (SessionStoreException e) {
            sessionStoreUnavailable(request, response, e);
        } catch (Exception e) {
            Responses.unexpected(request, response, e);
        }
    }

    /** The shared session store cannot be reached: a readable 503 the browser may retry, never a 500. */
    private static void sessionStoreUnavailable(HttpServletRequest request, HttpServletResponse response,
            SessionStoreException e) {
        LOG.log(System.Logger.Level.WARNING, "Session store unavailable: {0}", e.getMessage());
        try {
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setHeader("Retry-After", "5");
                Responses.failure(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "temporarily_unavailable", "Try again shortly", "Your session cannot be read right now.");
            }
        } catch (Exception writeFailed) {
            Responses.unexpected(request, response, writeFailed);
        }
    }

    /**
     * Parses the parameters now, for the public endpoints that read them ({@code /login}, {@code /callback},
     * {@code /backchannel-logout}): a broken %-escape or invalid UTF-8 makes the container throw from
     * {@code getParameter} (Tomcat: {@code InvalidParameterException}, an IllegalStateException), which is the
     * client's mistake, not a server error. The API's own body is never parsed as parameters.
     */
    static boolean parametersReadable(HttpServletRequest request) {
        try {
            request.getParameterMap();
            return true;
        } catch (IllegalStateException | IllegalArgumentException malformed) {
            return false;
        }
    }

    /**
     * Whether a parameter name or value has a character of Unicode category Cc (U+0000–U+001F, U+007F–U+009F): the
     * provider's {@code code}, {@code state}, {@code error} and the logout token are printable ASCII (RFC 6749
     * Appendix A, RFC 7519 §7.2), a {@code return_to} a path; none of them reaches a page or a log with one.
     */
    static boolean hasControlCharacter(HttpServletRequest request) {
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (hasControlCharacter(parameter.getKey())) {
                return true;
            }
            for (String value : parameter.getValue()) {
                if (hasControlCharacter(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL);
    }

    static boolean isPublic(String path) {
        return PUBLIC_PATHS.contains(path) || isHealth(path);
    }

    private static boolean isHealth(String path) {
        return path.equals("/health") || path.startsWith("/health/");
    }
}
