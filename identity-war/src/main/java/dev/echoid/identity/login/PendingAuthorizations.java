package dev.echoid.identity.login;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.PendingRequests;
import dev.echoid.identity.store.PendingRequests.PendingRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Authorization requests waiting for the person to sign in. They are kept in PostgreSQL (any provider node can
 * continue them) under a random id that the login pages carry, and bound to the browser that asked by the
 * {@code IDENTITY_LOGIN} cookie: HttpOnly and SameSite=Lax, so a cross-site form POST arrives without it and finds
 * nothing. Each lives ten minutes and completes at most once.
 */
public final class PendingAuthorizations {

    static final String COOKIE = "IDENTITY_LOGIN";
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    // a scope's tokens read back in the order asked (the consent page lists them so), not a HashSet's
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new SimpleModule().addAbstractTypeMapping(Set.class, LinkedHashSet.class));

    private final PendingRequests store;
    private final boolean secureCookie;
    private final Clock clock;

    public PendingAuthorizations(PendingRequests store, boolean secureCookie, Clock clock) {
        this.store = store;
        this.secureCookie = secureCookie;
        this.clock = clock;
    }

    /** Keeps the request for this browser (setting its cookie when it has none); the id for the login pages. */
    public String add(AuthorizationRequest request, HttpServletRequest http, HttpServletResponse response) {
        String browser = browser(http, response);
        // expired requests are purged by the housekeeping, not here: an unauthenticated request deletes nothing
        Instant now = clock.instant();
        String id = RandomTokens.base64Url(16);
        store.save(Sha256.base64Url(id), Sha256.base64Url(browser), write(request), now.plus(LIFETIME));
        return id;
    }

    public Optional<AuthorizationRequest> find(String id, HttpServletRequest http) {
        return pending(id, http, false).map(p -> read(p.requestJson()));
    }

    /** Takes the request out, so that it completes at most once. */
    public Optional<AuthorizationRequest> take(String id, HttpServletRequest http) {
        return pending(id, http, true).map(p -> read(p.requestJson()));
    }

    /** Records that the password step passed for this request; only the second step remains. */
    public void passwordVerified(String id, HttpServletRequest http, UUID userId) {
        browserSecret(http).ifPresent(browser -> store.passwordVerified(Sha256.base64Url(id),
                Sha256.base64Url(browser), userId));
    }

    /** The user whose password step passed for this request, if it did. */
    public Optional<UUID> passwordVerifiedUser(String id, HttpServletRequest http) {
        return pending(id, http, false).map(PendingRequest::passwordVerifiedUser);
    }

    /**
     * The token of the sign-in pages' forms for the request {@code id}, derived from this browser's secret: any node
     * can check it, and a page of another site cannot know it. Empty when the browser has no pending requests.
     */
    public Optional<String> formToken(String id, HttpServletRequest http) {
        return browserSecret(http).map(secret -> Sha256.base64Url("form:" + id + ":" + secret));
    }

    private Optional<PendingRequest> pending(String id, HttpServletRequest http, boolean take) {
        Optional<String> browser = browserSecret(http);
        if (id == null || id.isEmpty() || browser.isEmpty()) {
            return Optional.empty();
        }
        String idHash = Sha256.base64Url(id);
        String browserHash = Sha256.base64Url(browser.get());
        return take ? store.take(idHash, browserHash, clock.instant())
                : store.find(idHash, browserHash, clock.instant());
    }

    /** This browser's {@code IDENTITY_LOGIN} secret, set now when it has none. */
    String browser(HttpServletRequest http, HttpServletResponse response) {
        return browserSecret(http).orElseGet(() -> {
            String secret = RandomTokens.base64Url(32);
            Cookie cookie = new Cookie(COOKIE, secret);
            cookie.setPath(http.getContextPath().isEmpty() ? "/" : http.getContextPath());
            cookie.setHttpOnly(true);
            cookie.setSecure(secureCookie);
            cookie.setMaxAge(-1);
            cookie.setAttribute("SameSite", "Lax");
            response.addCookie(cookie);
            return secret;
        });
    }

    static Optional<String> browserSecret(HttpServletRequest http) {
        Cookie[] cookies = http.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                    return Optional.of(cookie.getValue());
                }
            }
        }
        return Optional.empty();
    }

    static String write(AuthorizationRequest request) {
        try {
            return JSON.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot keep the authorization request", e);
        }
    }

    static AuthorizationRequest read(String json) {
        try {
            return JSON.readValue(json, AuthorizationRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A kept authorization request cannot be read", e);
        }
    }
}
