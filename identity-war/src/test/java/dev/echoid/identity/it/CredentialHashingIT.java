package dev.echoid.identity.it;

import static dev.echoid.identity.it.Flows.authorize;
import static dev.echoid.identity.it.Flows.basic;
import static dev.echoid.identity.it.Flows.json;
import static dev.echoid.identity.it.Flows.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.security.PasswordHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.testkit.Browser;
import dev.echoid.testkit.FilledForm;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Credentials by kind, attacked over real HTTP: client secrets are checked with an HMAC (no Argon2id), a legacy
 * Argon2id client secret is rewritten at its first use, and the password hashes that remain run within a budget
 * (at most {@link PostgresExtension#HASH_CONCURRENCY} at once, a bounded fair queue, then 503 with Retry-After).
 */
@ExtendWith(PostgresExtension.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CredentialHashingIT {

    private static final String PASSWORD = "a long enough test password";
    private static final String REFUSED = "The user name or password is incorrect.";
    private static final PasswordHasher LEGACY = PasswordHasher.owaspDefault();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Flows.identityWar();
    }

    // --- client secrets are machine secrets ---

    @Test
    void clientSecretCheckIsHmacNotArgon2() {
        // the bootstrap client's secret was stored at start-up, as an HMAC
        assertThat(storedSecretHash(PostgresExtension.CLIENT_ID)).startsWith("hmac-sha256$");
        String service = legacyClient("hmac-service", "a service secret of at least thirty-two characters");
        clientCredentials(service, "a service secret of at least thirty-two characters"); // rewrites it
        double before = meter("echoid_password_hashes_total");
        for (int i = 0; i < 20; i++) {
            assertThat(clientCredentials(service, "a service secret of at least thirty-two characters")
                    .statusCode()).isEqualTo(200);
            Flows.assertOAuthError(clientCredentialsResponse(service, "wrong-" + i), 401, "invalid_client");
            // an unknown client costs no password hash either (it used to cost a dummy Argon2id)
            Flows.assertOAuthError(clientCredentialsResponse("nobody-" + UUID.randomUUID(), "x"), 401,
                    "invalid_client");
        }
        assertThat(meter("echoid_password_hashes_total")).as("Argon2id computations during 60 client checks")
                .isEqualTo(before);
    }

    @Test
    void legacyArgon2SecretAcceptedOnceAndRewritten() throws Exception {
        String secret = "the secret an operator registered before HMAC secrets";
        String clientId = legacyClient("legacy", secret);
        String legacyHash = storedSecretHash(clientId);
        assertThat(legacyHash).startsWith("$argon2id$");

        Flows.assertOAuthError(clientCredentialsResponse(clientId, "not the secret"), 401, "invalid_client");
        assertThat(storedSecretHash(clientId)).as("a wrong secret rewrites nothing").isEqualTo(legacyHash);

        assertThat(clientCredentials(clientId, secret).statusCode()).isEqualTo(200);
        String rewritten = storedSecretHash(clientId);
        assertThat(rewritten).startsWith("hmac-sha256$").doesNotContain(secret);
        assertThat(auditCount(clientId, "CLIENT_SECRET_REHASHED")).isEqualTo(1);

        // afterwards the same secret works through the HMAC alone, and the row stays as it is
        double hashes = meter("echoid_password_hashes_total");
        assertThat(clientCredentials(clientId, secret).statusCode()).isEqualTo(200);
        Flows.assertOAuthError(clientCredentialsResponse(clientId, "not the secret"), 401, "invalid_client");
        assertThat(meter("echoid_password_hashes_total")).isEqualTo(hashes);
        assertThat(storedSecretHash(clientId)).isEqualTo(rewritten);
        assertThat(auditCount(clientId, "CLIENT_SECRET_REHASHED")).isEqualTo(1);
    }

    // --- password hashing has a budget ---

    @Test
    void hundredConcurrentTokenRequestsWithWrongSecretsRunAtMostTheBudgetOfHashesAtOnce() throws Exception {
        String secret = "a legacy secret that costs an Argon2id check when wrong";
        String clientId = legacyClient("burst", secret);
        double refusalsBefore = meterOrZero("echoid_password_hash_refusals_total");
        List<Long> probes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean probing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(101);
        try {
            Future<?> prober = pool.submit(() -> probeReadiness(probing, probes));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String wrong = "wrong-" + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return clientCredentialsResponse(clientId, wrong);
                }));
            }
            start.countDown();
            int refused = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                if (response.statusCode() == 503) {
                    refused++;
                    Flows.assertOAuthError(response, 503, "temporarily_unavailable");
                    assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                            value -> assertThat(Integer.parseInt(value)).isPositive());
                } else {
                    Flows.assertOAuthError(response, 401, "invalid_client");
                }
            }
            probing.set(false);
            prober.get(30, TimeUnit.SECONDS);
            assertThat(refused).as("answers beyond the budget and its queue").isPositive();
            assertThat(meter("echoid_password_hash_refusals_total") - refusalsBefore).isEqualTo(refused);
        } finally {
            pool.shutdownNow();
        }
        assertThat(meter("echoid_password_hashes_peak")).as("most Argon2id computations at once")
                .isPositive().isLessThanOrEqualTo(PostgresExtension.HASH_CONCURRENCY);
        assertThat(meter("echoid_password_hashes_running")).isZero();
        assertThat(meter("echoid_password_hashes_queued")).isZero();
        assertReadinessStayedFast(probes);
        // nothing lost: the right secret still works once the burst is over
        assertThat(clientCredentials(clientId, secret).statusCode()).isEqualTo(200);
    }

    /**
     * An attacker's flood of bad passwords from one address (the test's own), 12 workers that try again the moment
     * they are refused, and a user signing in from another address meanwhile, waiting as {@code Retry-After} says.
     * The flood may hold all but as many of the budget's places as run at once (4 of 6), so the user's check finds
     * one at once; before each source had a share, the user's one try a second was a lottery against the flood's
     * hundreds (it lost for 30 s on one clean-clone run in four).
     */
    @Test
    void floodOfBadPasswordsFromOneAddressDoesNotStopSignInFromAnother() throws Exception {
        String victim = newUser("victim");
        int tries = signInDuringFlood(() -> attempt(new Browser(), victim, PASSWORD, Map.of(), "198.51.100.7"));
        System.out.printf("CredentialHashingIT: signed in from another address during the flood at try %d%n", tries);
    }

    /**
     * The same flood, and a user on the flood's own address (the same network, the same NAT) whose browser signed
     * in before: its device cookie gives it a share of the budget of its own (OWASP's device cookies), so the flood
     * does not crowd it out either. A first sign-in from the flood's own address, without one, shares the flood's
     * share and waits its turn there (docs/security.md, "Credentials by kind").
     */
    @Test
    void floodOfBadPasswordsDoesNotStopSignInFromABrowserKnownOnTheFloodsAddress() throws Exception {
        String regular = newUser("regular");
        Browser browser = new Browser();
        assertThat(attempt(browser, regular, PASSWORD).statusCode()).as("the sign-in before the flood")
                .isEqualTo(302);
        // prompt=login: the password again, not the single sign-on session
        int tries = signInDuringFlood(() -> attempt(browser, regular, PASSWORD, Map.of("prompt", "login"), null));
        System.out.printf("CredentialHashingIT: signed in with a device cookie on the flood's address at try %d%n",
                tries);
    }

    /** Floods, signs in with {@code signIn} (following Retry-After, for 30 s at most); the try that got in. */
    private int signInDuringFlood(java.util.concurrent.Callable<HttpResponse<String>> signIn) throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<HttpResponse<String>> floodAnswers = Collections.synchronizedList(new ArrayList<>());
        List<Long> probes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(13);
        List<Future<?>> attackers = new ArrayList<>();
        int tries = 0;
        try {
            attackers.add(pool.submit(() -> probeReadiness(flooding, probes)));
            for (int i = 0; i < 12; i++) {
                attackers.add(pool.submit(() -> {
                    while (flooding.get()) {
                        floodAnswers.add(attempt(new Browser(), "guess-" + UUID.randomUUID(), "password1"));
                    }
                    return null;
                }));
            }
            Thread.sleep(1500);
            HttpResponse<String> signedIn = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                tries++;
                HttpResponse<String> answer = signIn.call();
                if (answer.statusCode() == 302) {
                    signedIn = answer;
                    break;
                }
                assertBusyPage(answer);
                Thread.sleep(1000L * Integer.parseInt(answer.headers().firstValue("Retry-After").orElseThrow()));
            }
            assertThat(signedIn).as("signed in during the flood (%d tries)", tries).isNotNull();
            assertThat(Browser.location(signedIn).toString()).startsWith(PostgresExtension.REDIRECT_URI + "?code=");
        } finally {
            flooding.set(false);
            for (Future<?> attacker : attackers) {
                attacker.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
        List<HttpResponse<String>> busy = floodAnswers.stream().filter(r -> r.statusCode() == 503).toList();
        assertThat(busy).as("flood answers beyond the budget").isNotEmpty();
        busy.forEach(CredentialHashingIT::assertBusyPage);
        floodAnswers.stream().filter(r -> r.statusCode() != 503).forEach(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains(REFUSED);
        });
        assertThat(meter("echoid_password_hashes_peak")).isLessThanOrEqualTo(PostgresExtension.HASH_CONCURRENCY);
        assertReadinessStayedFast(probes);
        return tries;
    }

    /** The login form's answer when the hashing budget is spent: readable, the form still there, never a 500. */
    private static void assertBusyPage(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValueSatisfying(
                value -> assertThat(Integer.parseInt(value)).isPositive());
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(answer.body()).contains("busy").contains("login:password").doesNotContain("Exception")
                .doesNotContain(REFUSED);
    }

    private static Object probeReadiness(AtomicBoolean running, List<Long> probes) throws InterruptedException {
        Browser browser = new Browser();
        while (running.get()) {
            long started = System.nanoTime();
            HttpResponse<String> ready = browser.get(Flows.endpoint("health/ready"));
            probes.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(ready.statusCode()).isEqualTo(200);
            Thread.sleep(50);
        }
        return null;
    }

    /**
     * The benchmark holds the target (p99 under 100 ms); here, on a machine shared with other builds and the 100
     * client threads of this test, a probe must still answer well inside an orchestrator's 1 s timeout.
     */
    private static void assertReadinessStayedFast(List<Long> probes) {
        List<Long> sorted = probes.stream().sorted().toList();
        assertThat(sorted).isNotEmpty();
        long p90 = sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1);
        assertThat(p90).as("readiness p90 during the burst, ms (all: %s)", sorted).isLessThan(1000);
    }

    private static HttpResponse<String> clientCredentials(String clientId, String secret) {
        HttpResponse<String> response = clientCredentialsResponse(clientId, secret);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("access_token").asText()).isNotEmpty();
        return response;
    }

    private static HttpResponse<String> clientCredentialsResponse(String clientId, String secret) {
        return post("token", basic(clientId, secret), Map.of("grant_type", "client_credentials"));
    }

    /** A confidential client whose secret was stored as Argon2id, as every secret was before HMAC secrets. */
    private static String legacyClient(String prefix, String secret) {
        String clientId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcClients(PostgresExtension.dataSource()).createIfAbsent(new Client(clientId, clientId,
                LEGACY.hash(secret), List.of(), true, Set.of(Client.CLIENT_CREDENTIALS), List.of(), null, "RS256",
                false, false));
        return clientId;
    }

    private static String newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        new JdbcUsers(PostgresExtension.dataSource()).createIfAbsent(new User(UUID.randomUUID(), name,
                LEGACY.hash(PASSWORD), name, name + "@example.com", true, true));
        return name;
    }

    private static HttpResponse<String> attempt(Browser browser, String user, String password) {
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(Map.of()))));
        return browser.submit(page, "login", Map.of("login:username", user, "login:password", password),
                "login:submit");
    }

    /** As {@link #attempt(Browser, String, String)}, with more authorize parameters, from {@code address}. */
    private static HttpResponse<String> attempt(Browser browser, String user, String password,
            Map<String, String> authorize, String address) {
        String[] from = address == null ? new String[0] : new String[] {"X-Forwarded-For", address};
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize(authorize), from)), from);
        FilledForm form = FilledForm.of(page.body(), page.uri(), "login", Map.of("login:username", user,
                "login:password", password), "login:submit");
        return browser.postForm(form.action(), form.values(), from);
    }

    private static String storedSecretHash(String clientId) {
        return new JdbcClients(PostgresExtension.dataSource()).find(clientId).orElseThrow().secretHash();
    }

    private static int auditCount(String clientId, String type) throws Exception {
        try (Connection connection = PostgresExtension.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM audit_event WHERE client_id = ? AND event_type = ?")) {
            statement.setString(1, clientId);
            statement.setString(2, type);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** One sample of a meter from /metrics (loopback may read it); the meter must exist. */
    private static double meter(String name) {
        Matcher matcher = sample(name);
        assertThat(matcher.find()).as("meter %s in /metrics", name).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static double meterOrZero(String name) {
        Matcher matcher = sample(name);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static Matcher sample(String name) {
        HttpResponse<String> metrics = new Browser().get(Flows.endpoint("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        return Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics.body());
    }
}
