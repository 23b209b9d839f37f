package dev.echoid.identity.login;

import dev.echoid.identity.config.BackchannelSettings;
import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.FacesRequest;
import dev.echoid.identity.fixtures.InMemoryLoginThrottles;
import dev.echoid.identity.fixtures.InMemoryPendingRequests;
import dev.echoid.identity.fixtures.InMemorySsoSessions;
import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.fixtures.InMemoryTotpCredentials;
import dev.echoid.identity.fixtures.TokenFixture;
import dev.echoid.identity.grant.AuthorizationCodeGrant;
import dev.echoid.identity.logout.BackchannelLogout;
import dev.echoid.identity.logout.SessionTermination;
import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.security.HashingBudget;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Consents;
import dev.echoid.identity.store.IssuedCode;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.JwtIssuer;
import dev.echoid.identity.token.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sign-in pages' world without a container: every service the provider's CDI producer gives the Faces beans,
 * built as {@code IdentityProvider} builds them, over in-memory stores; one user with a password, a client, a
 * browser, and the moves of a person (a pending request, a password step, an SSO session).
 */
final class SignInPages {

    static final URI ISSUER = URI.create(TokenFixture.ISSUER);
    static final URI REDIRECT = URI.create("https://app.example/cb");
    static final String PASSWORD = "correct horse battery staple";
    /** 3 failures per pair, 5 per address, 10 per user; 30 s more wait per failure, at most 90 s. */
    static final LoginPolicy POLICY = new LoginPolicy(3, 5, 10, false, Duration.ofSeconds(30),
            Duration.ofSeconds(90), Duration.ofHours(12), 12, false, false);

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:10Z"));
    final InMemoryStores stores = new InMemoryStores(clock);
    final InMemorySsoSessions sessions = new InMemorySsoSessions();
    final InMemoryPendingRequests pendingRows = new InMemoryPendingRequests();
    final InMemoryTotpCredentials totp = new InMemoryTotpCredentials();
    final InMemoryLoginThrottles throttles = new InMemoryLoginThrottles();
    final Map<java.util.UUID, Consents.Consent> consentRows = new LinkedHashMap<>();
    final HashingBudget budget = new HashingBudget(1, 0, Duration.ZERO);
    final PasswordHasher hasher = new PasswordHasher(1024, 1, 1, budget);
    final Sealer sealer = Sealer.forTotpSecrets(Optional.of(RandomTokens.bytes(32)));

    final PendingAuthorizations pending = new PendingAuthorizations(pendingRows, true, clock);
    final SingleSignOn singleSignOn = new SingleSignOn(sessions, stores.users, Duration.ofHours(1),
            Duration.ofHours(8), true, clock);
    final SessionTermination termination = new SessionTermination(singleSignOn, stores.grants,
            // nothing is delivered here: the outbox is never read, the workers never started
            new BackchannelLogout(null, new JwtIssuer(TokenFixture.settings(), TokenFixture.keys(), clock),
                    stores.audit, BackchannelSettings.from(name -> java.util.Optional.empty())), stores.audit);
    final DeviceCookies deviceCookies = new DeviceCookies(RandomTokens.bytes(32), true);
    final Consents consents = new Consents() {
        @Override
        public void record(Consent consent) {
            consentRows.put(consent.userId(), consent);
        }

        @Override
        public List<Consent> of(java.util.UUID userId) {
            return Optional.ofNullable(consentRows.get(userId)).stream().toList();
        }
    };
    final ConsentPrompt consentPrompt = new ConsentPrompt(pendingRows.consents, consents, pending, stores.audit,
            clock);
    final AuthorizationCodeGrant codeGrant = new AuthorizationCodeGrant(stores.transactions, stores.codes,
            stores.grants, sessions, TokenFixture.responses(stores, clock, session -> Optional.of("pwd")),
            stores.audit, Duration.ofSeconds(60), Duration.ofDays(30), clock);
    final AuthorizationCompletion completion = new AuthorizationCompletion(consentPrompt, singleSignOn, codeGrant,
            ISSUER);
    final BruteForceProtection bruteForce = new BruteForceProtection(throttles, POLICY, clock);
    final Authenticator authenticator = new Authenticator(stores.users, hasher, stores.audit, bruteForce,
            deviceCookies);
    final SecondFactor secondFactor = new SecondFactor(totp, sealer, bruteForce, stores.audit, false, clock);
    final FormTokens formTokens = new FormTokens(pending, singleSignOn);

    final Browser browser = new Browser("/identity");
    /** What the sign-in pages noted for the access line, from the request's attribute. */
    final List<String> notedLoginIds = browser.loginIdsNoted;
    final User ada;
    final Client app = Client.codeFlow("app", "The App", "secret-hash", List.of(REDIRECT));

    SignInPages() {
        ada = new User(java.util.UUID.randomUUID(), "ada", hasher.hash(PASSWORD), "Ada Lovelace", "ada@example.com",
                true, true);
        stores.users.createIfAbsent(ada);
        stores.clients.createIfAbsent(app);
    }

    SignInCompletion signInCompletion(boolean singleSession) {
        return new SignInCompletion(pending, singleSignOn, termination, deviceCookies, stores.clients, completion,
                ISSUER, singleSession);
    }

    static AuthorizationRequest request(String scope, String prompt) {
        return new AuthorizationRequest("app", REDIRECT, Scope.parse(scope), "state-1", "nonce-1", null, prompt,
                null, "login-1");
    }

    /** The browser asked {@code /authorize}: the request waits for its sign-in; the id the pages carry. */
    String pendingRequest(AuthorizationRequest request) {
        try (FacesRequest http = FacesRequest.of(browser)) {
            return pending.add(request, http.servletRequest(), browser.response());
        }
    }

    /** The browser has a sign-on session of {@code user}. */
    SingleSignOn.Current signedIn(User user) {
        try (FacesRequest http = FacesRequest.of(browser)) {
            singleSignOn.signedIn(user, "pwd", "login-0", http.servletRequest(), browser.response());
            return singleSignOn.current(http.servletRequest()).orElseThrow();
        }
    }

    /** The user has an authenticator app with this secret. */
    byte[] enrol(User user) {
        byte[] secret = Totp.newSecret();
        totp.save(user.id(), sealer.seal(secret), 0);
        return secret;
    }

    String code(byte[] secret) {
        return Totp.code(secret, Totp.step(clock.instant()));
    }

    static String wrong(String code) {
        return code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
    }

    /** The query parameters of an address. */
    static Map<String, String> query(String url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] parts = pair.split("=", 2);
                parameters.put(java.net.URLDecoder.decode(parts[0], java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(parts.length > 1 ? parts[1] : "",
                                java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    /** The code a redirect to the client carries, as stored (its hash is the key). */
    IssuedCode issuedCode(String redirect) {
        assertRedirectToClient(redirect);
        return stores.codeRows.get(Sha256.base64Url(query(redirect).get("code")));
    }

    static void assertRedirectToClient(String redirect) {
        org.assertj.core.api.Assertions.assertThat(redirect).startsWith(REDIRECT + "?");
        org.assertj.core.api.Assertions.assertThat(query(redirect)).containsEntry("state", "state-1")
                .containsEntry("iss", ISSUER.toString());
    }

    static Set<String> cookieNames(Browser browser) {
        return browser.cookies.keySet();
    }
}
