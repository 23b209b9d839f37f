package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.authorize;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.testkit.Browser;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each account defence over real HTTP: lockout and its release, the operator's unlock, one answer for every refusal,
 * TOTP enrolment and sign-in (reused and out-of-window codes refused), a client that requires the second factor,
 * rehashing outdated passwords, the session id at sign-in, signing out everywhere.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccountSecurityIT {

    private static final String PASSWORD = "a long enough test password";
    private static final String REFUSED = "The user name or password is incorrect.";
    private static final String STRICT = "strict-app";
    private static final String STRICT_SECRET = "strict-secret";
    private static final String STRICT_REDIRECT = "https://strict.example/cb";
    private static final PasswordHasher HASHER = PasswordHasher.owaspDefault();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerStrictClient() {
        new JdbcClients(PostgresExtension.dataSource()).createIfAbsent(new Client(STRICT, "Strict app",
                HASHER.hash(STRICT_SECRET), List.of(URI.create(STRICT_REDIRECT)), true,
                Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", true));
    }

    // --- brute force ---

    @Test
    void loginWhenTooManyFailuresThenLockedWithTheSameAnswerThenReleasedAfterTheWait() throws Exception {
        String user = newUser("locky");
        for (int i = 0; i < PostgresExtension.MAX_FAILURES; i++) {
            assertThat(attempt(new Browser(), user, "wrong").body()).contains(REFUSED);
        }
        // the right password during the lock: the same answer as a wrong one
        HttpResponse<String> locked = attempt(new Browser(), user, PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(200);
        assertThat(locked.body()).contains(REFUSED);

        Thread.sleep(PostgresExtension.LOCK_SECONDS * 1000L + 300);
        assertThat(attempt(new Browser(), user, PASSWORD).statusCode()).as("released after the wait").isEqualTo(302);
    }

    @Test
    void unlockWhenOperatorCallsAdminThenUserMaySignInAtOnce() {
        String user = newUser("unlocky");
        for (int i = 0; i < PostgresExtension.MAX_FAILURES; i++) {
            attempt(new Browser(), user, "wrong");
        }
        assertThat(attempt(new Browser(), user, PASSWORD).body()).contains(REFUSED);

        URI unlock = Flows.endpoint("admin/users/" + user + "/unlock");
        assertThat(admin(unlock, null).statusCode()).isEqualTo(401);
        HttpResponse<String> unlocked = admin(unlock, PostgresExtension.ADMIN_TOKEN);
        assertThat(unlocked.statusCode()).isEqualTo(200);
        assertThat(json(unlocked).get("unlocked").asBoolean()).isTrue();
        assertThat(attempt(new Browser(), user, PASSWORD).statusCode()).isEqualTo(302);
    }

    @Test
    void loginWhenUnknownUserOrWrongPasswordThenSameAnswerAndComparableTime() {
        String user = newUser("timing");
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            unknown.add(timed(() -> assertThat(attempt(new Browser(), "nobody-" + UUID.randomUUID(), "x").body())
                    .contains(REFUSED)));
            // past the threshold this user is locked: still the same answer, still a full hash's work
            wrong.add(timed(() -> assertThat(attempt(new Browser(), user, "wrong").body()).contains(REFUSED)));
        }
        double ratio = (double) median(unknown) / median(wrong);
        assertThat(ratio).as("median time unknown/wrong: %s vs %s ms", median(unknown), median(wrong))
                .isBetween(0.5, 2.0);
    }

    // --- second factor ---

    @Test
    void totpWhenEnrolledThenSignInAsksForCodeAndRefusesReusedAndOutOfWindowCodes() {
        String user = newUser("otto");
        Browser first = new Browser();
        signInWithPassword(first, user, Map.of());
        Enrolment enrolment = enrolFromAccountPage(first);
        assertThat(first.get(Flows.endpoint("account.xhtml")).body()).contains("On:");

        Browser browser = new Browser();
        HttpResponse<String> toSecondStep = attempt(browser, user, PASSWORD);
        assertThat(toSecondStep.statusCode()).isEqualTo(302);
        assertThat(Browser.location(toSecondStep).getPath()).endsWith("/mfa.xhtml");
        HttpResponse<String> mfaPage = browser.get(Browser.location(toSecondStep));

        // out of the window: three steps back
        HttpResponse<String> old = submitCode(browser, mfaPage, "mfa",
                Totp.code(enrolment.secret(), enrolment.step() - 3));
        assertThat(old.body()).contains("The code is not correct");
        // the code that confirmed the enrolment: already used
        HttpResponse<String> reused = submitCode(browser, old, "mfa", Totp.code(enrolment.secret(), enrolment.step()));
        assertThat(reused.body()).contains("The code is not correct");
        HttpResponse<String> done = submitCode(browser, reused, "mfa",
                Totp.code(enrolment.secret(), enrolment.step() + 1));
        assertThat(done.statusCode()).isEqualTo(302);
        Map<String, String> callback = Browser.query(Browser.location(done));

        DecodedJWT idToken = JWT.decode(json(post("token", Flows.echoClient(), Map.of("grant_type",
                "authorization_code", "code", callback.get("code"), "redirect_uri", PostgresExtension.REDIRECT_URI)))
                .get("id_token").asText());
        assertThat(idToken.getClaim("amr").asList(String.class)).containsExactly("pwd", "otp");
        assertThat(idToken.getClaim("acr").asString()).isEqualTo("2");
    }

    @Test
    void totpWhenTooManyWrongCodesThenSecondStepLocksOnItsOwn() {
        String user = newUser("otta");
        Browser first = new Browser();
        signInWithPassword(first, user, Map.of());
        Enrolment enrolment = enrolFromAccountPage(first);

        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(attempt(browser, user, PASSWORD)));
        for (int i = 0; i < PostgresExtension.MAX_FAILURES; i++) {
            page = submitCode(browser, page, "mfa", "000000".equals(Totp.code(enrolment.secret(),
                    Totp.step(Instant.now()))) ? "111111" : "000000");
        }
        HttpResponse<String> locked = submitCode(browser, page, "mfa",
                Totp.code(enrolment.secret(), Totp.step(Instant.now()) + 1));
        assertThat(locked.statusCode()).isEqualTo(200);
        assertThat(locked.body()).contains("The code is not correct");
    }

    @Test
    void clientRequiringMfaWhenUserHasNoneThenEnrolmentDuringSignInAndPasswordSessionNotEnough() {
        String user = newUser("newbie");
        Browser browser = new Browser();
        // a password-only session from another client...
        signInWithPassword(browser, user, Map.of());
        // ...is not enough for a client that requires a second factor: the password is asked again
        HttpResponse<String> strict = browser.get(authorize(strict()));
        assertThat(Browser.location(strict).getPath()).endsWith("/login.xhtml");
        HttpResponse<String> toEnrol = browser.submit(browser.get(Browser.location(strict)), "login",
                Map.of("login:username", user, "login:password", PASSWORD), "login:submit");
        assertThat(Browser.location(toEnrol).getPath()).endsWith("/enrol.xhtml");
        HttpResponse<String> enrolPage = browser.get(Browser.location(toEnrol));
        assertThat(enrolPage.body()).contains("<svg").contains("otpauth://totp/EchoID:" + user);
        byte[] secret = secretOf(enrolPage);
        HttpResponse<String> done = submitCode(browser, enrolPage, "enrol",
                Totp.code(secret, Totp.step(Instant.now())));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(Browser.location(done).toString()).startsWith(STRICT_REDIRECT + "?");

        // now the session has both factors: the strict client signs in without asking again
        HttpResponse<String> sso = browser.get(authorize(strict()));
        assertThat(Browser.location(sso).toString()).startsWith(STRICT_REDIRECT + "?");
        String code = Browser.query(Browser.location(sso)).get("code");
        DecodedJWT idToken = JWT.decode(json(post("token", basic(STRICT, STRICT_SECRET), Map.of("grant_type",
                "authorization_code", "code", code, "redirect_uri", STRICT_REDIRECT))).get("id_token").asText());
        assertThat(idToken.getClaim("acr").asString()).isEqualTo("2");
    }

    // --- passwords and sessions ---

    @Test
    void loginWhenHashHasOutdatedParametersThenRehashedWithTodays() throws Exception {
        String user = "oldhash-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(new User(UUID.randomUUID(), user,
                new PasswordHasher(1024, 1, 1).hash(PASSWORD), user, null, false, true));
        assertThat(attempt(new Browser(), user, PASSWORD).statusCode()).isEqualTo(302);
        assertThat(storedHash(user)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(attempt(new Browser(), user, PASSWORD).statusCode()).isEqualTo(302);
    }

    @Test
    void loginWhenSuccessfulThenSessionIdChanges() {
        // the sign-in keeps no HTTP session; the session of record is the IDENTITY_SSO secret, made at sign-in
        String first = newUser("fixation");
        String second = newUser("fixation");
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
        assertThat(cookie(browser, "IDENTITY_SSO")).as("no session before sign-in").isNull();
        browser.submit(page, "login", Map.of("login:username", first, "login:password", PASSWORD), "login:submit");
        String before = cookie(browser, "IDENTITY_SSO");
        assertThat(before).isNotNull();
        // someone else signs in on this browser: a new session and secret, the old session ends
        HttpResponse<String> again = browser.get(Browser.location(browser.get(authorize(Map.of("prompt", "login")))));
        browser.submit(again, "login", Map.of("login:username", second, "login:password", PASSWORD),
                "login:submit");
        assertThat(cookie(browser, "IDENTITY_SSO")).isNotNull().isNotEqualTo(before);
    }

    @Test
    void signOutEverywhereWhenUsedInOneBrowserThenEveryBrowserOfTheUserIsSignedOut() {
        String user = newUser("multi");
        Browser laptop = new Browser();
        Browser phone = new Browser();
        signInWithPassword(laptop, user, Map.of());
        signInWithPassword(phone, user, Map.of());
        // another sign-in did not end the first session
        assertThat(Browser.query(Browser.location(laptop.get(authorize(Map.of("prompt", "none"))))))
                .containsKey("code");

        HttpResponse<String> account = laptop.get(Flows.endpoint("account.xhtml"));
        HttpResponse<String> done = laptop.submit(account, "sessions", Map.of(), "sessions:everywhere");
        assertThat(done.body()).contains("You are signed out everywhere");
        for (Browser browser : List.of(laptop, phone)) {
            assertThat(Browser.query(Browser.location(browser.get(authorize(Map.of("prompt", "none"))))))
                    .containsEntry("error", "login_required");
        }
    }

    // --- helpers ---

    private record Enrolment(byte[] secret, long step) {
    }

    private static String newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(new User(UUID.randomUUID(), name,
                HASHER.hash(PASSWORD), name, name + "@example.com", true, true));
        return name;
    }

    /** Authorize as the echo client and post the login form; the login POST's answer. */
    private static HttpResponse<String> attempt(Browser browser, String user, String password) {
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
        return browser.submit(page, "login", Map.of("login:username", user, "login:password", password),
                "login:submit");
    }

    private static void signInWithPassword(Browser browser, String user, Map<String, String> overrides) {
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(overrides))));
        HttpResponse<String> back = browser.submit(page, "login",
                Map.of("login:username", user, "login:password", PASSWORD), "login:submit");
        assertThat(back.statusCode()).isEqualTo(302);
    }

    private static Enrolment enrolFromAccountPage(Browser browser) {
        HttpResponse<String> account = browser.get(Flows.endpoint("account.xhtml"));
        assertThat(account.body()).contains("Off.");
        HttpResponse<String> enrolPage = browser.get(Flows.endpoint("enrol.xhtml"));
        byte[] secret = secretOf(enrolPage);
        HttpResponse<String> wrong = submitCode(browser, enrolPage, "enrol", "000000".equals(
                Totp.code(secret, Totp.step(Instant.now()))) ? "111111" : "000000");
        assertThat(wrong.body()).contains("The code is not correct");
        long step = Totp.step(Instant.now());
        HttpResponse<String> done = submitCode(browser, wrong, "enrol", Totp.code(secret, step));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(Browser.location(done).toString()).endsWith("/account.xhtml?enrolled=true");
        return new Enrolment(secret, step);
    }

    /** The secret as an authenticator app reads it: from the otpauth URI on the page. */
    private static byte[] secretOf(HttpResponse<String> enrolPage) {
        String uri = Jsoup.parse(enrolPage.body()).getElementById("key-uri").text();
        String base32 = Browser.query(URI.create(uri)).get("secret");
        return base32Decode(base32);
    }

    private static HttpResponse<String> submitCode(Browser browser, HttpResponse<String> page, String form,
            String code) {
        return browser.submit(page, form, Map.of(form + ":code", code), form + ":submit");
    }

    private static HttpResponse<String> admin(URI uri, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return new Browser().send(request.build());
    }

    private static Map<String, String> strict() {
        return Map.of("client_id", STRICT, "redirect_uri", STRICT_REDIRECT);
    }

    private static String storedHash(String user) throws Exception {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT password_hash FROM app_user WHERE username = ?")) {
            statement.setString(1, user);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private static String cookie(Browser browser, String name) {
        return browser.cookies().getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst().orElse(null);
    }

    private static long timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** RFC 4648 base32, decoded here rather than with the provider's own code. */
    private static byte[] base32Decode(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
