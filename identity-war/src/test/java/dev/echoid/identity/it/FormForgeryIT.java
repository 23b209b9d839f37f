package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.authorize;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.FilledForm;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * The attacker's side of the sign-in forms, over real HTTP against the deployed WAR: the second factor skipped or
 * replaced with the password alone, and every form's action sent as a cross-site GET (Mojarra takes any request with
 * {@code jakarta.faces.ViewState} for a postback, and SameSite=Lax cookies ride along on top-level GETs), as a
 * cross-origin POST, and without or with a wrong form token. Each attack must gain nothing and change nothing.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FormForgeryIT {

    private static final String PASSWORD = "a long enough test password";
    private static final String STRICT = "strict-forgery-app";
    private static final String STRICT_REDIRECT = "https://strict-forgery.example/cb";
    private static final PasswordHasher HASHER = PasswordHasher.owaspDefault();
    private static final String EVIL = "https://evil.example";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerStrictClient() {
        new JdbcClients(PostgresExtension.dataSource()).createIfAbsent(new Client(STRICT, "Strict forgery app",
                HASHER.hash("strict-forgery-secret"), List.of(URI.create(STRICT_REDIRECT)), true,
                Set.of(Client.AUTHORIZATION_CODE), List.of(), null, "RS256", true));
    }

    // --- item 1: the second factor cannot be skipped or replaced with the password alone ---

    @Test
    void enrolmentPageWithPendingRequestOfEnrolledUserIssuesNoCode() throws Exception {
        String user = newUser("victim");
        enrolFromAccountPage(signedIn(user));
        Credential before = credential(user);
        long mark = lastAuditId();

        // the attacker knows the password only: the sign-in stops at the second step
        Browser attacker = new Browser();
        HttpResponse<String> toSecondStep = attempt(attacker, user);
        assertThat(Browser.location(toSecondStep).getPath()).endsWith("/mfa.xhtml");
        String requestId = Browser.query(Browser.location(toSecondStep)).get("request");
        HttpResponse<String> secondStep = attacker.get(Browser.location(toSecondStep));

        // the same pending request on the enrolment page: no fresh secret is offered
        HttpResponse<String> enrolPage = attacker.get(Flows.endpoint("enrol.xhtml?request=" + requestId));
        assertThat(enrolPage.statusCode()).isLessThan(500);
        assertThat(enrolPage.body()).doesNotContain("otpauth://").doesNotContain("id=\"enrol\"");

        // and the enrolment form posted anyway, with the second step's hidden fields (its token) and a secret of the
        // attacker's with a right code for it
        byte[] attackersSecret = Totp.newSecret();
        Map<String, String> fields = new LinkedHashMap<>();
        FilledForm.of(secondStep.body(), secondStep.uri(), "mfa", Map.of(), "mfa:submit").values()
                .forEach((name, value) -> fields.put(name.replaceFirst("^mfa", "enrol"), value));
        fields.remove("enrol:submit");
        fields.put("enrol:secret", Totp.base32(attackersSecret));
        fields.put("enrol:code", Totp.code(attackersSecret, Totp.step(Instant.now())));
        fields.put("enrol:submit", "Turn on");
        HttpResponse<String> forged = attacker.postForm(Flows.endpoint("enrol.xhtml"), fields);

        assertThat(forged.statusCode()).isLessThan(500);
        assertThat(forged.headers().firstValue("Location").orElse("")).doesNotContain("code=");
        assertThat(credential(user)).as("the victim's authenticator is untouched").isEqualTo(before);
        assertThat(auditRows(mark, "MFA_ENROLMENT", "FAILURE", user)).as("the attempt is in the audit trail")
                .isGreaterThanOrEqualTo(1);
        assertThat(auditRows(mark, "MFA_ENROLMENT", "SUCCESS", user)).isZero();
        assertThat(auditRows(mark, "CODE_ISSUED", "SUCCESS", user)).isZero();
    }

    @Test
    void secondEnrolmentDuringSignInDoesNotOverwriteTheFirst() {
        // a client that requires a second factor; the user has none, so two browsers are both offered enrolment
        String user = newUser("twice");
        Browser first = new Browser();
        Browser second = new Browser();
        HttpResponse<String> firstPage = enrolPageDuringSignIn(first, user);
        HttpResponse<String> secondPage = enrolPageDuringSignIn(second, user);
        byte[] firstSecret = secretOf(firstPage);
        byte[] secondSecret = secretOf(secondPage);

        HttpResponse<String> done = first.submit(firstPage, "enrol", Map.of("enrol:code",
                Totp.code(firstSecret, Totp.step(Instant.now()))), "enrol:submit");
        assertThat(Browser.location(done).toString()).startsWith(STRICT_REDIRECT + "?");
        Credential stored = credential(user);

        HttpResponse<String> overwrite = second.submit(secondPage, "enrol", Map.of("enrol:code",
                Totp.code(secondSecret, Totp.step(Instant.now()))), "enrol:submit");
        assertThat(overwrite.statusCode()).isLessThan(500);
        assertThat(overwrite.headers().firstValue("Location").orElse("")).doesNotContain("code=");
        assertThat(credential(user)).as("insert-only: the first authenticator stays").isEqualTo(stored);
    }

    @Test
    void replacingAuthenticatorFromAccountPageNeedsACurrentCodeOfTheOldOne() {
        String user = newUser("replacer");
        Browser browser = signedIn(user);
        Enrolment old = enrolFromAccountPage(browser);
        Credential before = credential(user);

        // someone at the signed-in browser (or its stolen session) sets up a new authenticator without the old one
        HttpResponse<String> page = browser.get(Flows.endpoint("enrol.xhtml"));
        byte[] newSecret = secretOf(page);
        long step = Totp.step(Instant.now());
        HttpResponse<String> withoutOld = browser.submit(page, "enrol", Map.of(
                "enrol:code", Totp.code(newSecret, step)), "enrol:submit");
        assertThat(withoutOld.statusCode()).isLessThan(500);
        assertThat(withoutOld.headers().firstValue("Location")).isEmpty();
        HttpResponse<String> wrongOld = browser.submit(page, "enrol", Map.of("enrol:code", Totp.code(newSecret, step),
                "enrol:current", Totp.code(newSecret, step)), "enrol:submit");
        assertThat(wrongOld.headers().firstValue("Location")).isEmpty();
        assertThat(credential(user)).as("not replaced").isEqualTo(before);

        // with a current code of the old authenticator the replacement goes through
        HttpResponse<String> again = browser.get(Flows.endpoint("enrol.xhtml"));
        HttpResponse<String> replaced = browser.submit(again, "enrol", Map.of("enrol:code",
                Totp.code(secretOf(again), step), "enrol:current", Totp.code(old.secret(), old.step() + 1)),
                "enrol:submit");
        assertThat(Browser.location(replaced).toString()).endsWith("/account.xhtml?enrolled=true");
        assertThat(credential(user).secret()).isNotEqualTo(before.secret());
    }

    // --- item 2: no form acts on a cross-site GET ---

    @Test
    void crossSiteGetOfAccountActionChangesNothing() {
        String user = newUser("everywhere");
        Browser victim = signedIn(user);
        long mark = lastAuditId();

        HttpResponse<String> link = victim.get(Flows.endpoint(
                "account.xhtml?jakarta.faces.ViewState=stateless&sessions=sessions&sessions:everywhere=x"));

        assertRefusedReadably(link);
        assertThat(link.body()).doesNotContain("signed out everywhere");
        assertStillSignedIn(victim);
        assertThat(auditRows(mark, "SESSIONS_ENDED", null, user)).isZero();
    }

    @Test
    void crossSiteGetOfEnrolActionChangesNothing() {
        String user = newUser("enrolee");
        Browser victim = signedIn(user);
        byte[] attackersSecret = Totp.newSecret();

        HttpResponse<String> link = victim.get(link("enrol.xhtml", Map.of("jakarta.faces.ViewState", "stateless",
                "enrol", "enrol", "enrol:secret", Totp.base32(attackersSecret),
                "enrol:code", Totp.code(attackersSecret, Totp.step(Instant.now())), "enrol:submit", "Turn on")));

        assertRefusedReadably(link);
        assertThat(credentialOrNull(user)).as("no authenticator of the attacker's").isNull();
    }

    @Test
    void crossSiteGetOfLoginActionChangesNothing() {
        // login CSRF: the victim's browser signed in to the attacker's account
        String attackersAccount = newUser("attacker");
        Browser victim = new Browser();
        HttpResponse<String> loginPage = loginPage(victim, Map.of());
        String requestId = hidden(loginPage, "login:request");
        long mark = lastAuditId();

        HttpResponse<String> link = victim.get(link("login.xhtml", Map.of("jakarta.faces.ViewState", "stateless",
                "login", "login", "login:request", requestId, "login:username", attackersAccount,
                "login:password", PASSWORD, "login:submit", "Sign in")));

        assertRefusedReadably(link);
        assertThat(cookie(victim, "IDENTITY_SSO")).isNull();
        assertThat(auditRows(mark, "LOGIN_SUCCEEDED", null, attackersAccount)).isZero();
        assertThat(auditRows(mark, "LOGIN_FAILED", null, attackersAccount)).isZero();
    }

    @Test
    void crossSiteGetOfSecondStepActionChangesNothing() {
        String user = newUser("stepper");
        Enrolment enrolment = enrolFromAccountPage(signedIn(user));
        Browser victim = new Browser();
        HttpResponse<String> toSecondStep = attempt(victim, user);
        HttpResponse<String> secondStep = victim.get(Browser.location(toSecondStep));
        String code = Totp.code(enrolment.secret(), enrolment.step() + 1);

        HttpResponse<String> link = victim.get(link("mfa.xhtml", Map.of("jakarta.faces.ViewState", "stateless",
                "mfa", "mfa", "mfa:request", hidden(secondStep, "mfa:request"), "mfa:code", code,
                "mfa:submit", "Verify")));

        assertRefusedReadably(link);
        // nothing was used up: the person's own POST with that code completes the sign-in
        HttpResponse<String> own = victim.submit(secondStep, "mfa", Map.of("mfa:code", code), "mfa:submit");
        assertThat(Browser.location(own).toString()).startsWith(PostgresExtension.REDIRECT_URI + "?code=");
    }

    @Test
    void crossSiteGetOfLogoutConfirmationChangesNothing() {
        Browser victim = signedIn(newUser("leaver"));
        HttpResponse<String> ask = victim.get(Flows.endpoint("logout"));
        String token = hidden(ask, "confirmation");

        HttpResponse<String> link = victim.get(link("logout", Map.of("confirmation", token, "confirm", "Sign out")));

        assertThat(link.statusCode()).isLessThan(500);
        assertThat(link.body()).doesNotContain("You are signed out");
        assertStillSignedIn(victim);
    }

    // --- item 2: only a same-origin POST with the form's token acts ---

    @Test
    void loginFormPostedCrossOriginOrWithoutItsTokenChangesNothing() {
        String user = newUser("poster");
        Browser victim = new Browser();
        HttpResponse<String> page = loginPage(victim, Map.of());
        long mark = lastAuditId();
        Map<String, String> fields = Map.of("login:username", user, "login:password", PASSWORD);

        assertForgeriesRefused(victim, page, "login", fields, "login:submit");

        assertThat(cookie(victim, "IDENTITY_SSO")).isNull();
        assertThat(auditRows(mark, "LOGIN_SUCCEEDED", null, user)).isZero();
        assertThat(auditRows(mark, "LOGIN_FAILED", null, user)).isZero();
        // the person's own POST, with the headers a browser sends for this site's form
        FilledForm form = FilledForm.of(page.body(), page.uri(), "login", fields, "login:submit");
        HttpResponse<String> own = victim.postForm(form.action(), form.values(), "Origin",
                "http://" + Flows.issuer().getAuthority(), "Sec-Fetch-Site", "same-origin");
        assertThat(Browser.location(own).toString()).startsWith(PostgresExtension.REDIRECT_URI + "?code=");
    }

    @Test
    void secondStepPostedCrossOriginOrWithoutItsTokenChangesNothing() {
        String user = newUser("poster2");
        Enrolment enrolment = enrolFromAccountPage(signedIn(user));
        Browser victim = new Browser();
        HttpResponse<String> page = victim.get(Browser.location(attempt(victim, user)));
        Map<String, String> fields = Map.of("mfa:code", Totp.code(enrolment.secret(), enrolment.step() + 1));

        assertForgeriesRefused(victim, page, "mfa", fields, "mfa:submit");

        HttpResponse<String> own = victim.submit(page, "mfa", fields, "mfa:submit");
        assertThat(Browser.location(own).toString()).startsWith(PostgresExtension.REDIRECT_URI + "?code=");
    }

    @Test
    void enrolmentDuringSignInPostedCrossOriginOrWithoutItsTokenChangesNothing() {
        String user = newUser("poster3");
        Browser victim = new Browser();
        HttpResponse<String> page = enrolPageDuringSignIn(victim, user);
        Map<String, String> fields = Map.of("enrol:code", Totp.code(secretOf(page), Totp.step(Instant.now())));

        assertForgeriesRefused(victim, page, "enrol", fields, "enrol:submit");

        assertThat(credentialOrNull(user)).isNull();
        HttpResponse<String> own = victim.submit(page, "enrol", fields, "enrol:submit");
        assertThat(Browser.location(own).toString()).startsWith(STRICT_REDIRECT + "?code=");
    }

    @Test
    void enrolmentFromAccountPostedCrossOriginOrWithoutItsTokenChangesNothing() {
        String user = newUser("poster4");
        Browser victim = signedIn(user);
        HttpResponse<String> page = victim.get(Flows.endpoint("enrol.xhtml"));
        Map<String, String> fields = Map.of("enrol:code", Totp.code(secretOf(page), Totp.step(Instant.now())));

        assertForgeriesRefused(victim, page, "enrol", fields, "enrol:submit");

        assertThat(credentialOrNull(user)).isNull();
        HttpResponse<String> own = victim.submit(page, "enrol", fields, "enrol:submit");
        assertThat(Browser.location(own).toString()).endsWith("/account.xhtml?enrolled=true");
    }

    @Test
    void accountActionPostedCrossOriginOrWithoutItsTokenChangesNothing() {
        String user = newUser("poster5");
        Browser victim = signedIn(user);
        HttpResponse<String> page = victim.get(Flows.endpoint("account.xhtml"));

        assertForgeriesRefused(victim, page, "sessions", Map.of(), "sessions:everywhere");

        assertStillSignedIn(victim);
        // as Chromium posts the page's own form under Referrer-Policy: no-referrer
        FilledForm form = FilledForm.of(page.body(), page.uri(), "sessions", Map.of(), "sessions:everywhere");
        HttpResponse<String> own = victim.postForm(form.action(), form.values(), "Origin", "null",
                "Sec-Fetch-Site", "same-origin");
        assertThat(own.body()).contains("You are signed out everywhere");
    }

    @Test
    void logoutConfirmationPostedCrossOriginChangesNothing() {
        Browser victim = signedIn(newUser("poster6"));
        HttpResponse<String> ask = victim.get(Flows.endpoint("logout"));
        FilledForm form = FilledForm.of(ask.body(), ask.uri(), "logout", Map.of(), "confirm");

        for (String[] header : crossSiteHeaders()) {
            HttpResponse<String> forged = victim.postForm(form.action(), form.values(), header);
            assertThat(forged.statusCode()).as(String.join(": ", header)).isLessThan(500);
            assertThat(forged.body()).doesNotContain("You are signed out");
        }
        Map<String, String> wrongToken = new LinkedHashMap<>(form.values());
        wrongToken.put("confirmation", "x" + wrongToken.get("confirmation"));
        assertThat(victim.postForm(form.action(), wrongToken).body()).doesNotContain("You are signed out");
        assertStillSignedIn(victim);

        assertThat(victim.postForm(form.action(), form.values()).body()).contains("You are signed out");
    }

    // --- helpers ---

    private record Enrolment(byte[] secret, long step) {
    }

    private record Credential(String secret, long lastUsedStep, Instant createdAt) {
    }

    private static String[][] crossSiteHeaders() {
        // an opaque origin (a sandboxed frame, a data: page) comes with Sec-Fetch-Site: cross-site
        return new String[][] {{"Origin", EVIL}, {"Origin", "null", "Sec-Fetch-Site", "cross-site"},
                {"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"},
                {"Origin", EVIL, "Sec-Fetch-Site", "same-origin"}};
    }

    /**
     * The form as the page has it, sent cross-origin (by {@code Origin} or {@code Sec-Fetch-Site}), without its
     * token, and with a wrong token: each answered by a readable refusal, never a redirect onward.
     */
    private static void assertForgeriesRefused(Browser browser, HttpResponse<String> page, String formId,
            Map<String, String> fields, String button) {
        FilledForm form = FilledForm.of(page.body(), page.uri(), formId, fields, button);
        for (String[] header : crossSiteHeaders()) {
            HttpResponse<String> forged = browser.postForm(form.action(), form.values(), header);
            assertThat(forged.statusCode()).as(formId + " with " + String.join(": ", header)).isEqualTo(403);
            assertRefusedReadably(forged);
        }
        Map<String, String> withoutToken = new LinkedHashMap<>(form.values());
        withoutToken.remove("form_token");
        assertRefusedReadably(browser.postForm(form.action(), withoutToken));
        Map<String, String> wrongToken = new LinkedHashMap<>(form.values());
        wrongToken.put("form_token", "forged-" + UUID.randomUUID());
        assertRefusedReadably(browser.postForm(form.action(), wrongToken));
    }

    private static void assertRefusedReadably(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(response.body()).contains("<h1>").doesNotContain("Exception").doesNotContain("at dev.echoid");
    }

    private static void assertStillSignedIn(Browser browser) {
        HttpResponse<String> silent = browser.get(authorize(Map.of("prompt", "none")));
        assertThat(Browser.query(Browser.location(silent))).as("the session lives").containsKey("code");
    }

    private static URI link(String page, Map<String, String> params) {
        return URI.create(Flows.issuer() + "/" + page + "?" + Browser.formEncode(new LinkedHashMap<>(params)));
    }

    private static String newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(new User(UUID.randomUUID(), name,
                HASHER.hash(PASSWORD), name, name + "@example.com", true, true));
        return name;
    }

    private static HttpResponse<String> loginPage(Browser browser, Map<String, String> overrides) {
        HttpResponse<String> toLogin = browser.get(authorize(overrides));
        assertThat(Browser.location(toLogin).getPath()).endsWith("/login.xhtml");
        return browser.get(Browser.location(toLogin));
    }

    /** Authorize as the echo client and post the login form; the login POST's answer. */
    private static HttpResponse<String> attempt(Browser browser, String user) {
        return browser.submit(loginPage(browser, Map.of()), "login", Map.of("login:username", user,
                "login:password", PASSWORD), "login:submit");
    }

    private static Browser signedIn(String user) {
        Browser browser = new Browser();
        assertThat(Browser.location(attempt(browser, user)).toString())
                .startsWith(PostgresExtension.REDIRECT_URI + "?code=");
        return browser;
    }

    private static HttpResponse<String> enrolPageDuringSignIn(Browser browser, String user) {
        HttpResponse<String> toEnrol = browser.submit(loginPage(browser, Map.of("client_id", STRICT,
                "redirect_uri", STRICT_REDIRECT)), "login", Map.of("login:username", user,
                "login:password", PASSWORD), "login:submit");
        assertThat(Browser.location(toEnrol).getPath()).endsWith("/enrol.xhtml");
        return browser.get(Browser.location(toEnrol));
    }

    private static Enrolment enrolFromAccountPage(Browser browser) {
        HttpResponse<String> enrolPage = browser.get(Flows.endpoint("enrol.xhtml"));
        byte[] secret = secretOf(enrolPage);
        long step = Totp.step(Instant.now());
        HttpResponse<String> done = browser.submit(enrolPage, "enrol", Map.of("enrol:code", Totp.code(secret, step)),
                "enrol:submit");
        assertThat(Browser.location(done).toString()).endsWith("/account.xhtml?enrolled=true");
        return new Enrolment(secret, step);
    }

    private static byte[] secretOf(HttpResponse<String> enrolPage) {
        var keyUri = Jsoup.parse(enrolPage.body()).getElementById("key-uri");
        assertThat(keyUri).as("a key on the page:\n" + enrolPage.body()).isNotNull();
        return Totp.base32Decode(Browser.query(URI.create(keyUri.text())).get("secret"));
    }

    private static String hidden(HttpResponse<String> page, String name) {
        var input = Jsoup.parse(page.body()).selectFirst("input[name=\"" + name + "\"]");
        assertThat(input).as(name + " in:\n" + page.body()).isNotNull();
        return input.attr("value");
    }

    private static String cookie(Browser browser, String name) {
        return browser.cookies().getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name)).map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    private static Credential credential(String user) {
        Credential credential = credentialOrNull(user);
        assertThat(credential).as("a stored credential of " + user).isNotNull();
        return credential;
    }

    private static Credential credentialOrNull(String user) {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT t.secret, t.last_used_step, "
                        + "t.created_at FROM totp_credential t JOIN app_user u ON u.id = t.user_id "
                        + "WHERE u.username = ?")) {
            statement.setString(1, user);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new Credential(row.getString(1), row.getLong(2),
                        row.getTimestamp(3).toInstant()) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long lastAuditId() {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT coalesce(max(id), 0) FROM audit_event");
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Audit rows after {@code mark} of the event (and outcome, unless null) for the user name. */
    private static int auditRows(long mark, String type, String outcome, String user) {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM audit_event "
                        + "WHERE id > ? AND event_type = ? AND (? IS NULL OR outcome = lower(?)) AND (username = ? "
                        + "OR user_id = (SELECT id FROM app_user WHERE username = ?))")) {
            statement.setLong(1, mark);
            statement.setString(2, type);
            statement.setString(3, outcome);
            statement.setString(4, outcome);
            statement.setString(5, user);
            statement.setString(6, user);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
