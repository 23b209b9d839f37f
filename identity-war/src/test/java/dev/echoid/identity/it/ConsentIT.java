package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.assertOAuthError;
import static dev.echoid.identity.it.Flows.authorize;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.echoClient;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echoid.identity.security.PasswordHasher;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OIDC Core §11 offline access and {@code prompt=consent}, played as a relying party and as an attacker would, over
 * real HTTP against the deployed WAR: a third-party client gets no offline grant without the person's consent, the
 * consent page grants it only to a POST of the browser that asked, and a first-party client needs no page.
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsentIT {

    private static final String PASSWORD = "a long enough test password";
    private static final String FIRST_PARTY = "first-party-app";
    private static final String FIRST_PARTY_SECRET = "first-party-secret";
    private static final String FIRST_PARTY_REDIRECT = "https://first.example/cb";
    private static final String OFFLINE = "openid offline_access";
    private static final PasswordHasher HASHER = PasswordHasher.owaspDefault();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @BeforeAll
    static void registerFirstPartyClient() {
        new JdbcClients(PostgresExtension.dataSource()).createIfAbsent(new Client(FIRST_PARTY, "First-party app",
                HASHER.hash(FIRST_PARTY_SECRET), List.of(URI.create(FIRST_PARTY_REDIRECT)), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN), List.of(), null, "RS256", false, true));
    }

    @Test
    void offlineAccessWithoutPromptConsentIssuesNoOfflineGrant() throws Exception {
        String user = newUser("online");
        Browser browser = new Browser();
        // a third-party client asks for offline access without prompt=consent: no page, the sign-in goes on
        HttpResponse<String> back = signInWithPassword(browser, user, Map.of("scope", OFFLINE));
        assertThat(Browser.location(back).toString()).startsWith(PostgresExtension.REDIRECT_URI + "?");
        JsonNode tokens = redeem(Browser.query(Browser.location(back)));

        // OIDC Core §11: the offline_access request is ignored
        assertThat(scopeOf(tokens)).contains("openid").doesNotContain("offline_access");
        assertThat(grantScopesOf(user)).singleElement().asString().doesNotContain("offline_access");
        assertThat(consentsOf(user)).isEmpty();
        // what refresh token it got is an online one: it dies with the session
        assertThat(tokens.has("refresh_token")).isTrue();
        signOutEverywhere(browser);
        assertOAuthError(refresh(echoClient(), tokens), 400, "invalid_grant");
    }

    @Test
    void offlineAccessWithPromptConsentShowsConsentPage() {
        String user = newUser("asked");
        Browser browser = new Browser();
        HttpResponse<String> toConsent = signInWithPassword(browser, user,
                Map.of("scope", OFFLINE + " profile", "prompt", "consent"));
        assertThat(Browser.location(toConsent).getPath()).as("password -> consent page, no code yet")
                .endsWith("/consent.xhtml");
        assertThat(Browser.query(Browser.location(toConsent))).doesNotContainKey("code");

        HttpResponse<String> page = browser.get(Browser.location(toConsent));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).hasValueSatisfying(
                value -> assertThat(value).contains("no-store"));
        Document html = Jsoup.parse(page.body());
        assertThat(html.title()).contains("Allow access");
        assertThat(html.select("h1").text()).contains("echo");
        // what the client asks for, in words, offline access included
        assertThat(html.select("#scopes li").eachText()).anySatisfy(item -> assertThat(item)
                .containsIgnoringCase("when you are not signed in")).anySatisfy(item -> assertThat(item)
                .containsIgnoringCase("name"));
        Element form = html.getElementById("consent");
        assertThat(form.attr("method")).isEqualToIgnoringCase("post");
        assertThat(form.select("input[type=submit]").eachAttr("value")).containsExactly("Allow", "Deny");

        // prompt=consent while signed in: the page again, never a silent code
        HttpResponse<String> again = browser.get(authorize(Map.of("scope", OFFLINE, "prompt", "consent")));
        assertThat(Browser.location(again).getPath()).endsWith("/consent.xhtml");
        assertThat(Browser.query(Browser.location(again))).doesNotContainKey("code");
    }

    @Test
    void consentDenyRedirectsAccessDeniedAndIssuesNoCode() throws Exception {
        String user = newUser("denier");
        Browser browser = new Browser();
        HttpResponse<String> page = consentPage(browser, user, Map.of("state", "deny-1"));
        HttpResponse<String> denied = browser.submit(page, "consent", Map.of(), "consent:deny");

        assertThat(denied.statusCode()).isEqualTo(302);
        URI back = Browser.location(denied);
        assertThat(back.toString()).startsWith(PostgresExtension.REDIRECT_URI + "?");
        // OIDC Core §3.1.2.6: access_denied, with state and (RFC 9207) iss
        assertThat(Browser.query(back)).containsEntry("error", "access_denied").containsEntry("state", "deny-1")
                .containsEntry("iss", Flows.issuer().toString()).doesNotContainKey("code");
        assertThat(consentsOf(user)).isEmpty();
        assertThat(auditOf(user)).contains("CONSENT_DENIED").doesNotContain("CODE_ISSUED", "CONSENT_GRANTED");

        // the answer is final: an Allow replayed after the Deny grants nothing
        HttpResponse<String> replay = browser.submit(page, "consent", Map.of(), "consent:allow");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("not valid");
        assertThat(auditOf(user)).doesNotContain("CODE_ISSUED", "CONSENT_GRANTED");
        assertThat(grantScopesOf(user)).isEmpty();
    }

    @Test
    void consentAllowGrantsOfflineAccess() throws Exception {
        String user = newUser("allower");
        Browser browser = new Browser();
        HttpResponse<String> page = consentPage(browser, user, Map.of("state", "allow-1"));
        HttpResponse<String> allowed = browser.submit(page, "consent", Map.of(), "consent:allow");

        assertThat(allowed.statusCode()).isEqualTo(302);
        Map<String, String> callback = Browser.query(Browser.location(allowed));
        assertThat(callback).containsKey("code").containsEntry("state", "allow-1")
                .containsEntry("iss", Flows.issuer().toString());
        JsonNode tokens = redeem(callback);
        assertThat(scopeOf(tokens)).contains("openid", "offline_access");
        // the consent is recorded: who, which client, what, when
        assertThat(consentsOf(user)).singleElement().asString().startsWith(PostgresExtension.CLIENT_ID + " ")
                .contains("offline_access");
        assertThat(auditOf(user)).contains("CONSENT_GRANTED", "CODE_ISSUED");

        // an offline grant outlives the session
        signOutEverywhere(browser);
        HttpResponse<String> refreshed = refresh(echoClient(), tokens);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(scopeOf(json(refreshed))).contains("offline_access");
    }

    @Test
    void crossSiteOrForgedConsentPostGrantsNothing() throws Exception {
        String victim = newUser("victim");
        Browser victimBrowser = new Browser();
        HttpResponse<String> page = consentPage(victimBrowser, victim, Map.of());
        FilledForm allow = FilledForm.of(page.body(), page.uri(), "consent", Map.of(), "consent:allow");
        String victimRequest = allow.values().get("consent:request");
        assertThat(victimRequest).isNotBlank();

        // an attacker's own pending consent, in the attacker's browser
        String attacker = newUser("attacker");
        Browser attackerBrowser = new Browser();
        HttpResponse<String> attackerPage = consentPage(attackerBrowser, attacker, Map.of());
        String attackerRequest = FilledForm.of(attackerPage.body(), attackerPage.uri(), "consent", Map.of(),
                "consent:allow").values().get("consent:request");

        List<HttpResponse<String>> attempts = new ArrayList<>();
        // a cross-site form POST: the browser sends no SameSite=Lax cookie, only the form
        attempts.add(new Browser().postForm(allow.action(), allow.values()));
        // the victim's request id in the attacker's browser
        attempts.add(attackerBrowser.postForm(allow.action(), withRequest(allow.values(), victimRequest)));
        // the victim's browser made to post another request's id
        attempts.add(victimBrowser.postForm(allow.action(), withRequest(allow.values(), attackerRequest)));
        // the victim's own form, but the browser says it comes from another site
        attempts.add(victimBrowser.postForm(allow.action(), allow.values(), "Origin", "https://evil.example"));
        attempts.add(victimBrowser.postForm(allow.action(), allow.values(), "Sec-Fetch-Site", "cross-site"));
        // the action as a GET (a link, an image): Faces would take any request with a view state as a postback
        attempts.add(victimBrowser.get(URI.create(allow.action() + "?" + Browser.formEncode(allow.values()))));

        for (HttpResponse<String> attempt : attempts) {
            assertThat(attempt.statusCode()).as(attempt.request().method() + " " + attempt.body())
                    .isNotEqualTo(302).isLessThan(500);
            assertThat(attempt.headers().firstValue("Location")).isEmpty();
        }
        for (String user : List.of(victim, attacker)) {
            assertThat(consentsOf(user)).isEmpty();
            assertThat(auditOf(user)).doesNotContain("CODE_ISSUED", "CONSENT_GRANTED", "CONSENT_DENIED");
        }

        // nothing was lost either: the victim's own Allow still works
        HttpResponse<String> allowed = victimBrowser.submit(page, "consent", Map.of(), "consent:allow");
        assertThat(allowed.statusCode()).isEqualTo(302);
        assertThat(Browser.query(Browser.location(allowed))).containsKey("code");
        assertThat(consentsOf(victim)).hasSize(1);
    }

    @Test
    void promptNoneWithConsentNeededAnswersConsentRequired() {
        String user = newUser("silent");
        Browser browser = new Browser();
        signInWithPassword(browser, user, Map.of());
        HttpResponse<String> silent = browser.get(authorize(Map.of("scope", OFFLINE, "prompt", "none",
                "state", "none-1")));
        assertThat(silent.statusCode()).isEqualTo(302);
        // OIDC Core §3.1.2.6: consent_required when prompt=none cannot obtain the consent offline access needs
        assertThat(Browser.query(Browser.location(silent))).containsEntry("error", "consent_required")
                .containsEntry("state", "none-1").containsEntry("iss", Flows.issuer().toString())
                .doesNotContainKey("code");
        // without offline_access, the same silent request gets its code
        assertThat(Browser.query(Browser.location(browser.get(authorize(Map.of("prompt", "none"))))))
                .containsKey("code");
    }

    @Test
    void promptConsentWithNoneIsInvalidRequest() {
        String user = newUser("contrary");
        Browser browser = new Browser();
        signInWithPassword(browser, user, Map.of());
        for (String prompt : List.of("none consent", "consent none")) {
            HttpResponse<String> answer = browser.get(authorize(Map.of("scope", OFFLINE, "prompt", prompt)));
            // OIDC Core §3.1.2.1: none with any other value is an error
            assertThat(Browser.query(Browser.location(answer))).containsEntry("error", "invalid_request")
                    .containsEntry("state", "st-1").doesNotContainKey("code");
        }
    }

    @Test
    void firstPartyClientGetsOfflineAccessWithoutPage() throws Exception {
        String user = newUser("insider");
        Browser browser = new Browser();
        HttpResponse<String> back = signInWithPassword(browser, user, Map.of("client_id", FIRST_PARTY,
                "redirect_uri", FIRST_PARTY_REDIRECT, "scope", OFFLINE));
        assertThat(Browser.location(back).toString()).as("no consent page").startsWith(FIRST_PARTY_REDIRECT + "?");
        HttpResponse<String> redeemed = post("token", basic(FIRST_PARTY, FIRST_PARTY_SECRET), Map.of(
                "grant_type", "authorization_code", "code", Browser.query(Browser.location(back)).get("code"),
                "redirect_uri", FIRST_PARTY_REDIRECT));
        assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
        JsonNode tokens = json(redeemed);
        assertThat(scopeOf(tokens)).contains("offline_access");

        signOutEverywhere(browser);
        assertThat(refresh(basic(FIRST_PARTY, FIRST_PARTY_SECRET), tokens).statusCode())
                .as("the offline grant outlives the session").isEqualTo(200);
    }

    // --- helpers ---

    private static String newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(new User(UUID.randomUUID(), name,
                HASHER.hash(PASSWORD), name, name + "@example.com", true, true));
        return name;
    }

    /** Authorize as the echo client (with the overrides), then post the password; the POST's answer. */
    private static HttpResponse<String> signInWithPassword(Browser browser, String user,
            Map<String, String> overrides) {
        HttpResponse<String> toLogin = browser.get(authorize(overrides));
        assertThat(Browser.location(toLogin).getPath()).endsWith("/login.xhtml");
        HttpResponse<String> back = browser.submit(browser.get(Browser.location(toLogin)), "login",
                Map.of("login:username", user, "login:password", PASSWORD), "login:submit");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        return back;
    }

    /** Signs in with {@code prompt=consent} and {@code offline_access}: the consent page. */
    private static HttpResponse<String> consentPage(Browser browser, String user, Map<String, String> more) {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("scope", OFFLINE, "prompt", "consent"));
        overrides.putAll(more);
        HttpResponse<String> toConsent = signInWithPassword(browser, user, overrides);
        assertThat(Browser.location(toConsent).getPath()).endsWith("/consent.xhtml");
        HttpResponse<String> page = browser.get(Browser.location(toConsent));
        assertThat(page.statusCode()).isEqualTo(200);
        return page;
    }

    private static Map<String, String> withRequest(Map<String, String> form, String requestId) {
        Map<String, String> changed = new java.util.LinkedHashMap<>(form);
        changed.put("consent:request", requestId);
        return changed;
    }

    private static JsonNode redeem(Map<String, String> callback) {
        HttpResponse<String> response = post("token", echoClient(), Map.of("grant_type", "authorization_code",
                "code", callback.get("code"), "redirect_uri", PostgresExtension.REDIRECT_URI));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static HttpResponse<String> refresh(String client, JsonNode tokens) {
        return post("token", client, Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText()));
    }

    private static List<String> scopeOf(JsonNode tokens) {
        return List.of(tokens.get("scope").asText().split(" "));
    }

    private static void signOutEverywhere(Browser browser) {
        HttpResponse<String> done = browser.submit(browser.get(Flows.endpoint("account.xhtml")), "sessions",
                Map.of(), "sessions:everywhere");
        assertThat(done.body()).contains("You are signed out everywhere");
    }

    private static List<String> grantScopesOf(String user) throws Exception {
        return rows("SELECT g.scope FROM authorization_grant g JOIN app_user u ON u.id = g.user_id "
                + "WHERE u.username = ?", user);
    }

    /** The user's recorded consents: "client scope". */
    private static List<String> consentsOf(String user) throws Exception {
        return rows("SELECT c.client_id || ' ' || c.scope FROM user_consent c JOIN app_user u ON u.id = c.user_id "
                + "WHERE u.username = ? AND c.granted_at IS NOT NULL", user);
    }

    private static List<String> auditOf(String user) throws Exception {
        return rows("SELECT a.event_type FROM audit_event a JOIN app_user u ON u.id = a.user_id "
                + "WHERE u.username = ? ORDER BY a.id", user);
    }

    private static List<String> rows(String query, String parameter) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    values.add(row.getString(1));
                }
            }
        }
        return values;
    }
}
