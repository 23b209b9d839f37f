package dev.echoid.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.JdbcClients;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** identity-admin client ... in-process against a real (embedded) PostgreSQL. */
class ClientCommandsIT {

    private static final Pattern SECRET = Pattern.compile("^client_secret: (\\S+)$", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestDatabase database;
    private static Cli cli;
    private static JdbcClients clients;

    @BeforeAll
    static void freshDatabase() {
        database = TestDatabase.fresh();
        cli = new Cli(database.settings());
        clients = new JdbcClients(database.dataSource());
        // migrates the fresh database: the validation tests never reach it
        assertThat(cli.run("client", "list").status()).isZero();
    }

    @Test
    void createConfidentialThenSecretPrintedOnceStoredOnlyAsAHashThatVerifiesIt() throws Exception {
        Cli.Run run = cli.run("client", "create", "shop", "--name", "The Shop",
                "--redirect-uri", "https://shop.example/callback", "--redirect-uri", "https://shop.example/cb2",
                "--post-logout-redirect-uri", "https://shop.example/bye",
                "--backchannel-logout-uri", "https://shop.example/backchannel",
                "--grant-type", "authorization_code", "--grant-type", "refresh_token",
                "--grant-type", "client_credentials", "--id-token-alg", "ES256", "--require-mfa", "--first-party");

        assertThat(run.status()).as(run.err()).isZero();
        Matcher matcher = SECRET.matcher(run.out());
        assertThat(matcher.find()).as(run.out()).isTrue();
        String secret = matcher.group(1);
        assertThat(matcher.find()).as("printed once").isFalse();
        // 256 bits, base64url without padding
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(run.out()).startsWith("client_id: shop\n");
        assertThat(run.err()).contains("shown only this once");

        Client stored = clients.find("shop").orElseThrow();
        // an HMAC under the provider's IDENTITY_CLIENT_SECRET_KEY: the provider verifies it in microseconds
        assertThat(stored.secretHash()).startsWith("hmac-sha256$").doesNotContain(secret);
        assertThat(new ClientSecretHasher(TestDatabase.CLIENT_SECRET_KEY).verify(secret, stored.secretHash())
                .matches()).isTrue();
        assertThat(new ClientSecretHasher(new byte[32]).verify(secret, stored.secretHash()).matches())
                .as("under another key").isFalse();
        assertThat(stored.name()).isEqualTo("The Shop");
        assertThat(stored.redirectUris()).containsExactly(URI.create("https://shop.example/callback"),
                URI.create("https://shop.example/cb2"));
        assertThat(stored.postLogoutRedirectUris()).containsExactly(URI.create("https://shop.example/bye"));
        assertThat(stored.backchannelLogoutUri()).isEqualTo(URI.create("https://shop.example/backchannel"));
        assertThat(stored.grantTypes()).isEqualTo(Set.of("authorization_code", "refresh_token",
                "client_credentials"));
        assertThat(stored.idTokenSigningAlgorithm()).isEqualTo("ES256");
        assertThat(stored.requireMfa()).isTrue();
        assertThat(stored.firstParty()).isTrue();

        Cli.Run text = cli.run("client", "list");
        Cli.Run json = cli.run("client", "list", "--json");
        assertThat(text.status()).isZero();
        assertThat(json.status()).isZero();
        for (Cli.Run list : List.of(text, json)) {
            assertThat(list.out()).contains("shop").doesNotContain(secret).doesNotContain("hmac-sha256")
                    .doesNotContain(stored.secretHash());
        }
        JsonNode shop = UserCommandsIT.find(JSON.readTree(json.out()), "client_id", "shop");
        assertThat(shop.get("type").asText()).isEqualTo("confidential");
        assertThat(shop.get("backchannel_logout_uri").asText()).isEqualTo("https://shop.example/backchannel");
        assertThat(shop.get("first_party").asBoolean()).isTrue();
        assertThat(shop.has("secret_hash")).isFalse();
    }

    @Test
    void createPublicThenNoSecretPrintedOrStoredAndCodeFlowDefaults() {
        Cli.Run run = cli.run("client", "create", "spa", "--public", "--redirect-uri", "http://localhost:3000/cb");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("client_id: spa\n");
        assertThat(run.err()).contains("PKCE");
        Client stored = clients.find("spa").orElseThrow();
        assertThat(stored.isPublic()).isTrue();
        assertThat(stored.secretHash()).isNull();
        assertThat(stored.grantTypes()).isEqualTo(Set.of("authorization_code", "refresh_token"));
        assertThat(stored.idTokenSigningAlgorithm()).isEqualTo("RS256");
        assertThat(stored.requireMfa()).isFalse();
        assertThat(stored.firstParty()).as("third-party unless said").isFalse();
    }

    @Test
    void createWhenInvalidThenStatus1NamingTheProblemAndNothingStored() {
        assertRefused(List.of("client", "create", "a1"), "authorization_code needs at least one --redirect-uri");
        assertRefused(List.of("client", "create", "a2", "--redirect-uri", "https://a.example/cb#frag"),
                "without a fragment");
        assertRefused(List.of("client", "create", "a3", "--redirect-uri", "/relative"), "absolute");
        assertRefused(List.of("client", "create", "a4", "--public", "--grant-type", "client_credentials"),
                "a public client cannot use client_credentials");
        assertRefused(List.of("client", "create", "a5", "--grant-type", "password"), "--grant-type password");
        assertRefused(List.of("client", "create", "a6", "--redirect-uri", "https://a.example/cb",
                "--backchannel-logout-uri", "mailto:ops@example.com"), "http or https");
        assertRefused(List.of("client", "create", "has space", "--redirect-uri", "https://a.example/cb"),
                "client id");
    }

    @Test
    void createConfidentialWithoutTheProvidersSecretKeyThenStatus3NamingItAndNothingStored() {
        Map<String, String> withoutKey = new HashMap<>(database.settings());
        withoutKey.remove("IDENTITY_CLIENT_SECRET_KEY");
        Cli.Run run = new Cli(withoutKey).run("client", "create", "keyless", "--grant-type", "client_credentials");

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("IDENTITY_CLIENT_SECRET_KEY is required");
        assertThat(run.out()).doesNotContain("client_secret");
        assertThat(clients.find("keyless")).isEmpty();
        // a public client has no secret to key
        assertThat(new Cli(withoutKey).run("client", "create", "keyless-spa", "--public", "--redirect-uri",
                "http://localhost:3000/cb").status()).isZero();
    }

    @Test
    void createWhenIdTakenThenStatus1AndTheFirstKept() {
        assertThat(cli.run("client", "create", "twice", "--redirect-uri", "https://one.example/cb").status())
                .isZero();
        Cli.Run again = cli.run("client", "create", "twice", "--redirect-uri", "https://two.example/cb");

        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("a client with id twice exists");
        assertThat(again.out()).doesNotContain("client_secret");
        assertThat(clients.find("twice").orElseThrow().redirectUris())
                .containsExactly(URI.create("https://one.example/cb"));
    }

    @Test
    void createClientCredentialsOnlyThenNoRedirectUriNeeded() {
        Cli.Run run = cli.run("client", "create", "batch", "--grant-type", "client_credentials");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("client_secret: ");
        assertThat(clients.find("batch").orElseThrow().grantTypes()).containsExactly("client_credentials");
    }

    @Test
    void createNativeThenApplicationTypeNativeAndWebByDefault() throws Exception {
        Cli.Run run = cli.run("client", "create", "desktop", "--public", "--native",
                "--redirect-uri", "http://127.0.0.1/callback");

        assertThat(run.status()).as(run.err()).isZero();
        Client stored = clients.find("desktop").orElseThrow();
        assertThat(stored.applicationType()).isEqualTo("native");
        assertThat(stored.registeredRedirectUri("http://127.0.0.1:50123/callback"))
                .hasValue(URI.create("http://127.0.0.1:50123/callback"));
        assertThat(JSON.readTree(cli.run("client", "list", "--json").out()).toString()).contains("\"native\"");
        cli.run("client", "create", "webapp", "--redirect-uri", "http://127.0.0.1:8080/callback");
        assertThat(clients.find("webapp").orElseThrow().applicationType()).isEqualTo("web");
        assertThat(clients.find("webapp").orElseThrow().registeredRedirectUri("http://127.0.0.1:8081/callback"))
                .isEmpty();
    }

    @Test
    void createResourceServerThenItMayIntrospectTheNamedClientsOnly() {
        Cli.Run run = cli.run("client", "create", "orders-api", "--grant-type", "client_credentials",
                "--resource-server-for", "shop", "--resource-server-for", "desktop");

        assertThat(run.status()).as(run.err()).isZero();
        Client stored = clients.find("orders-api").orElseThrow();
        assertThat(stored.resourceServerFor()).containsExactly("shop", "desktop");
        assertThat(stored.mayIntrospectTokensOf("shop")).isTrue();
        assertThat(stored.mayIntrospectTokensOf("orders-api")).isTrue();
        assertThat(stored.mayIntrospectTokensOf("elsewhere")).isFalse();
        assertRefused(List.of("client", "create", "public-rs", "--public", "--redirect-uri", "https://x.example/cb",
                "--resource-server-for", "shop"), "cannot introspect");
        assertRefused(List.of("client", "create", "bad-rs", "--grant-type", "client_credentials",
                "--resource-server-for", "has space"), "client id");
    }

    @Test
    void deleteThenGoneAndAgainStatus1() {
        cli.run("client", "create", "old", "--redirect-uri", "https://old.example/cb");

        assertThat(cli.run("client", "delete", "old").status()).as("no --yes, no terminal").isEqualTo(2);
        assertThat(clients.find("old")).isPresent();
        Cli.Run run = cli.run("client", "delete", "old", "--yes");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("deleted old\n");
        assertThat(clients.find("old")).isEmpty();
        assertThat(cli.run("client", "delete", "old", "--yes").status()).isEqualTo(1);
    }

    private static void assertRefused(List<String> args, String problem) {
        Cli.Run run = cli.run(args.toArray(String[]::new));
        assertThat(run.status()).as("%s: %s", args, run.err()).isEqualTo(1);
        assertThat(run.err()).contains(problem);
        assertThat(run.out()).isEmpty();
        assertThat(clients.find(args.get(2))).isEmpty();
    }
}
