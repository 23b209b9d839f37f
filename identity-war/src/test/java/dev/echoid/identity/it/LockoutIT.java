package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.authorize;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.FilledForm;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The brute-force defence as an attacker tries to turn it against users, over real HTTP: failures are counted per
 * (user name, client address), per address and per known browser (a signed device cookie), so that someone else's
 * guesses lock only themselves; the client address comes from {@code X-Forwarded-For} only through a trusted proxy
 * (the tests send from 127.0.0.1, configured as one, and name each simulated client in the header); parallel
 * guesses each reserve an attempt before any hash runs, so a burst gets no more real checks than the allowance,
 * while parallel right passwords all get through. The audit trail tells a real check ({@code wrong password},
 * {@code wrong code}) from a refusal ({@code locked (too many failures)}).
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LockoutIT {

    private static final String PASSWORD = "a long enough test password";
    private static final String REFUSED = "The user name or password is incorrect.";
    private static final String LOCKED = "locked (too many failures)";
    /** The hashing budget's answer (2 at once, 4 waiting in these tests): nothing checked, counted or audited. */
    private static final String BUSY = "The sign-in service is busy.";
    private static final PasswordHasher HASHER = PasswordHasher.owaspDefault();
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    @Test
    void sixtyFailuresForAliceFromAddressADoNotStopAliceFromNewBrowserAtAddressB() throws Exception {
        String alice = newUser("alice");
        String a = address();
        String b = address();
        for (int i = 0; i < 60; i++) {
            assertThat(attempt(new Browser(), a, alice, "wrong").body()).contains(REFUSED);
        }

        HttpResponse<String> fromB = attempt(new Browser(), b, alice, PASSWORD);
        assertThat(fromB.statusCode()).as("alice at B, a browser she never used").isEqualTo(302);
        // every attempt is in the audit trail under the address the proxy named, none under the proxy's
        List<Row> rows = audit("LOGIN_FAILED", alice);
        assertThat(rows).hasSize(60).allSatisfy(row -> assertThat(row.address()).isEqualTo(a));
        assertThat(rows.stream().filter(row -> row.detail().equals("wrong password")).count())
                .as("real checks from A").isLessThan(60);
        assertThat(audit("LOGIN_SUCCEEDED", alice)).extracting(Row::address).containsExactly(b);
    }

    @Test
    void thousandFailuresDoNotStopAlicesKnownBrowser() throws Exception {
        String alice = newUser("alice");
        String home = address();
        Browser known = new Browser();
        assertThat(attempt(known, home, alice, PASSWORD).statusCode()).isEqualTo(302);
        assertThat(known.cookies().getCookieStore().getCookies()).as("a device cookie")
                .anyMatch(cookie -> cookie.getName().equals("IDENTITY_DEVICE") && cookie.isHttpOnly());

        // 1,000 wrong passwords from 250 addresses, her own among them
        List<String> attackers = new ArrayList<>(List.of(home));
        while (attackers.size() < 250) {
            attackers.add(address());
        }
        // one browser per thread, its cookies thrown away before each attempt: a new browser every time
        ThreadLocal<Browser> browsers = ThreadLocal.withInitial(Browser::new);
        parallel(4, 1000, i -> {
            Browser fresh = browsers.get();
            fresh.cookies().getCookieStore().removeAll();
            return attempt(fresh, attackers.get(i % 250), alice, "wrong").body();
        }).forEach(body -> assertThat(body).contains(REFUSED));
        List<Row> failed = audit("LOGIN_FAILED", alice);
        assertThat(failed).hasSize(1000);
        assertThat(failed.stream().filter(row -> row.detail().equals("wrong password")).count())
                .as("real checks: past the bar of the user name from all addresses").isGreaterThanOrEqualTo(100);
        // each address's own allowance refuses at most its 4th attempt: the rest were new browsers locked out
        assertThat(failed.stream().filter(row -> row.detail().equals(LOCKED)).count()).isGreaterThan(250);

        HttpResponse<String> knownAgain = attempt(known, home, alice, PASSWORD);
        assertThat(knownAgain.statusCode()).as("her own browser, its own allowance").isEqualTo(302);
        assertThat(audit("LOGIN_SUCCEEDED", alice)).extracting(Row::address).containsExactly(home, home);
    }

    @Test
    void behindTrustedProxyTwoClientsAreCountedApart() throws Exception {
        String bob = newUser("bob");
        String first = address();
        String second = address();
        for (int i = 0; i < PostgresExtension.MAX_FAILURES; i++) {
            attempt(new Browser(), first, bob, "wrong");
        }
        assertThat(attempt(new Browser(), first, bob, PASSWORD).body()).as("the first client is locked")
                .contains(REFUSED);

        assertThat(attempt(new Browser(), second, bob, PASSWORD).statusCode()).as("the second is not")
                .isEqualTo(302);
        assertThat(audit("LOGIN_FAILED", bob)).extracting(Row::address).containsOnly(first);
        assertThat(audit("LOGIN_SUCCEEDED", bob)).extracting(Row::address).containsExactly(second);
    }

    @Test
    void forgedXForwardedForBeforeTheTrustedHopIsIgnored() throws Exception {
        String carol = newUser("carol");
        String real = address();
        // a client may put anything in the header; the trusted proxy appends the address it saw
        for (int i = 0; i < PostgresExtension.MAX_FAILURES; i++) {
            attempt(new Browser(), "203.0.113." + (i + 1) + ", " + real, carol, "wrong");
        }
        assertThat(attempt(new Browser(), "203.0.113.99, " + real, carol, PASSWORD).body())
                .as("a new forged first hop is no new client").contains(REFUSED);
        assertThat(audit("LOGIN_FAILED", carol)).extracting(Row::address).containsOnly(real);
    }

    @Test
    void fiftyParallelWrongPasswordsOnOnePendingRequestGetNoMoreVerificationsThanTheAllowance() throws Exception {
        String dave = newUser("dave");
        String from = address();
        Browser browser = new Browser();
        HttpResponse<String> page = loginPage(browser);
        FilledForm form = FilledForm.of(page.body(), page.uri(), "login",
                Map.of("login:username", dave, "login:password", "wrong"), "login:submit");

        List<String> bodies = parallel(50, 50, i -> burst(browser, form, from).body());
        bodies.forEach(body -> assertThat(body).containsAnyOf(REFUSED, BUSY));
        // past the hashing budget an attempt is turned away before anything is checked or counted
        long busy = bodies.stream().filter(body -> body.contains(BUSY)).count();

        List<Row> rows = audit("LOGIN_FAILED", dave);
        assertThat(rows).as("every attempt the budget let in recorded").hasSize(50 - (int) busy).isNotEmpty();
        List<Row> checked = rows.stream().filter(row -> row.detail().equals("wrong password")).toList();
        assertNoMoreChecksThanTheAllowance(checked);
        assertThat(rows.stream().filter(row -> row.detail().equals(LOCKED)).count())
                .isEqualTo(rows.size() - checked.size());
    }

    @Test
    void fiveParallelCorrectPasswordsAllSucceed() throws Exception {
        // more than the allowance (3 in these tests) at once: each waits for a free reservation, none is refused
        String erin = newUser("erin");
        String from = address();
        List<Browser> browsers = new ArrayList<>();
        List<FilledForm> forms = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Browser browser = new Browser();
            HttpResponse<String> page = loginPage(browser);
            browsers.add(browser);
            forms.add(FilledForm.of(page.body(), page.uri(), "login",
                    Map.of("login:username", erin, "login:password", PASSWORD), "login:submit"));
        }
        List<Integer> statuses = parallel(5, 5, i -> burst(browsers.get(i), forms.get(i), from).statusCode());
        assertThat(statuses).containsOnly(302);
        assertThat(audit("LOGIN_SUCCEEDED", erin)).hasSize(5);
        assertThat(audit("LOGIN_FAILED", erin)).isEmpty();
    }

    @Test
    void fiftyParallelWrongTotpCodesGetNoMoreVerificationsThanTheAllowance() throws Exception {
        String frank = newUser("frank");
        String from = address();
        Browser first = new Browser();
        assertThat(attempt(first, from, frank, PASSWORD).statusCode()).isEqualTo(302);
        byte[] secret = enrol(first);

        Browser browser = new Browser();
        HttpResponse<String> toSecondStep = attempt(browser, from, frank, PASSWORD);
        assertThat(Browser.location(toSecondStep).getPath()).endsWith("/mfa.xhtml");
        HttpResponse<String> mfaPage = browser.get(Browser.location(toSecondStep));
        String wrong = "000000".equals(Totp.code(secret, Totp.step(Instant.now()))) ? "111111" : "000000";
        FilledForm form = FilledForm.of(mfaPage.body(), mfaPage.uri(), "mfa", Map.of("mfa:code", wrong),
                "mfa:submit");

        parallel(50, 50, i -> burst(browser, form, from).body())
                .forEach(body -> assertThat(body).contains("The code is not correct"));

        List<Row> rows = audit("MFA_FAILED", frank);
        assertThat(rows).hasSize(50);
        List<Row> checked = rows.stream().filter(row -> row.detail().equals("wrong code")).toList();
        assertNoMoreChecksThanTheAllowance(checked);
        assertThat(rows.stream().filter(row -> row.detail().equals(LOCKED)).count())
                .isEqualTo(50 - checked.size());
    }

    @Test
    void fullWidthAndMixedCaseNamesCountAgainstAndSignInAsTheCanonicalName() throws Exception {
        String grace = newUser("grace");
        String fullWidth = fullWidth(grace.toUpperCase(java.util.Locale.ROOT)); // ＧＲＡＣＥ－...
        String mixed = Character.toUpperCase(grace.charAt(0)) + grace.substring(1);
        String from = address();

        HttpResponse<String> signedIn = attempt(new Browser(), from, fullWidth, PASSWORD);
        assertThat(signedIn.statusCode()).as("full-width name signs in as " + grace).isEqualTo(302);
        assertThat(audit("LOGIN_SUCCEEDED", grace)).hasSize(1);

        attempt(new Browser(), from, fullWidth, "wrong");
        attempt(new Browser(), from, mixed, "wrong");
        attempt(new Browser(), from, grace, "wrong");
        // three spellings, one name: its allowance (3 in these tests) is used up
        assertThat(attempt(new Browser(), from, mixed, PASSWORD).body()).contains(REFUSED);
        assertThat(audit("LOGIN_FAILED", grace)).as("recorded under the canonical name").hasSize(4);
    }

    // --- helpers ---

    private record Row(String address, String detail, Instant at) {
    }

    /**
     * The allowance's checks may run at once; past it, a check runs only when a lock has run out, so each further
     * real check comes at least a lock's wait (less a margin for the audit write) after the one before it.
     */
    private static void assertNoMoreChecksThanTheAllowance(List<Row> checks) {
        assertThat(checks).isNotEmpty();
        for (int k = PostgresExtension.MAX_FAILURES; k < checks.size(); k++) {
            Duration gap = Duration.between(checks.get(k - 1).at(), checks.get(k).at());
            assertThat(gap).as("real check %s of %s came %s after the one before (allowance %s, then one per %s s "
                    + "lock)", k + 1, checks.size(), gap, PostgresExtension.MAX_FAILURES,
                    PostgresExtension.LOCK_SECONDS)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(PostgresExtension.LOCK_SECONDS * 1000L - 500));
        }
    }

    /** One form POST of a burst, with a timeout for a busy machine: every request of a burst waits for the CPU. */
    private static HttpResponse<String> burst(Browser browser, FilledForm form, String forwardedFor) {
        return browser.send(HttpRequest.newBuilder(form.action())
                .timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(form.encoded()))
                .build());
    }

    private static String newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(new User(UUID.randomUUID(), name,
                HASHER.hash(PASSWORD), name, name + "@example.com", true, true));
        return name;
    }

    /** A fresh client address for each simulated client (documentation ranges, never a real host). */
    private static String address() {
        int n = ADDRESSES.incrementAndGet();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    /** The login form, asked for even when the browser has a sign-on session (a known browser has one). */
    private static HttpResponse<String> loginPage(Browser browser) {
        HttpResponse<String> toLogin = browser.get(authorize(Map.of("prompt", "login")));
        assertThat(toLogin.statusCode()).isEqualTo(302);
        return browser.get(Browser.location(toLogin));
    }

    /** The login form posted through the (trusted) proxy, which names the client in {@code X-Forwarded-For}. */
    private static HttpResponse<String> attempt(Browser browser, String forwardedFor, String user, String password) {
        HttpResponse<String> page = loginPage(browser);
        FilledForm form = FilledForm.of(page.body(), page.uri(), "login",
                Map.of("login:username", user, "login:password", password), "login:submit");
        return browser.postForm(form.action(), form.values(), "X-Forwarded-For", forwardedFor);
    }

    private interface Attempt<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code count} attempts on {@code threads} threads, released together; their results in order. */
    private static <T> List<T> parallel(int threads, int count, Attempt<T> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return attempt.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(5, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The audit rows of one event type and user name, oldest first. */
    private static List<Row> audit(String type, String username) throws Exception {
        Thread.sleep(100); // an answer may reach the client just before its audit row commits
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT remote_address, detail, "
                        + "occurred_at FROM audit_event WHERE event_type = ? AND username = ? ORDER BY occurred_at, id")) {
            statement.setString(1, type);
            statement.setString(2, username);
            try (ResultSet row = statement.executeQuery()) {
                List<Row> rows = new ArrayList<>();
                while (row.next()) {
                    rows.add(new Row(row.getString(1), row.getString(2) == null ? "" : row.getString(2),
                            row.getTimestamp(3).toInstant()));
                }
                return rows;
            }
        }
    }

    /** Enrols TOTP from the account page of a signed-in browser; the secret, as an authenticator app reads it. */
    private static byte[] enrol(Browser browser) {
        HttpResponse<String> enrolPage = browser.get(Flows.endpoint("enrol.xhtml"));
        String uri = Jsoup.parse(enrolPage.body()).getElementById("key-uri").text();
        byte[] secret = base32Decode(Browser.query(URI.create(uri)).get("secret"));
        HttpResponse<String> done = browser.submit(enrolPage, "enrol",
                Map.of("enrol:code", Totp.code(secret, Totp.step(Instant.now()))), "enrol:submit");
        assertThat(done.statusCode()).isEqualTo(302);
        return secret;
    }

    private static String fullWidth(String ascii) {
        StringBuilder out = new StringBuilder();
        ascii.chars().forEach(c -> out.append(c > 0x20 && c < 0x7f ? (char) (c + 0xFEE0) : (char) c));
        return out.toString();
    }

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
