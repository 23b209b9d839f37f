package dev.echoid.admin;

import dev.echoid.identity.config.CredentialHashing;
import dev.echoid.identity.config.GrantTypes;
import dev.echoid.identity.security.ClientSecretHasher;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Clients;
import dev.echoid.identity.store.JdbcClients;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-admin client ...}: the relying parties registered with the provider. */
@Command(name = "client", description = "Register, list and delete clients (relying parties).")
final class ClientCommand implements Runnable {

    /** 256 bits, as RFC 7518 §3.2 asks of an HMAC key and NIST of a random secret. */
    private static final int SECRET_BYTES = 32;
    private static final int MAX_CLIENT_ID_LENGTH = 200;

    @ParentCommand
    IdentityAdmin root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: create, list or delete");
    }

    @Command(name = "create", description = {
        "Registers a client. A confidential client gets a random 256-bit secret, printed once on stdout "
                + "(client_secret: ...); only its HMAC-SHA-256 under IDENTITY_CLIENT_SECRET_KEY (the provider's) is stored. "
                + "A public client (--public) has none and authenticates with PKCE alone."})
    int create(@Parameters(paramLabel = "CLIENT_ID") String clientId,
            @Option(names = "--name", paramLabel = "NAME", description = "shown to users (default: the client id)")
            String name,
            @Option(names = "--redirect-uri", paramLabel = "URI", description = "exact-match redirect URI (with "
                    + "--native, a loopback one takes any port); repeat for several (needed for authorization_code)")
            List<String> redirectUris,
            @Option(names = "--public", description = "a public client: no secret, PKCE only") boolean publicClient,
            @Option(names = "--grant-type", paramLabel = "TYPE", description = "authorization_code, refresh_token "
                    + "or client_credentials; repeat for several (default: authorization_code and refresh_token)")
            List<String> grantTypes,
            @Option(names = "--post-logout-redirect-uri", paramLabel = "URI", description = "where RP-initiated "
                    + "logout may return; repeat for several") List<String> postLogoutRedirectUris,
            @Option(names = "--backchannel-logout-uri", paramLabel = "URI", description = "where the provider POSTs "
                    + "logout tokens") String backchannelLogoutUri,
            @Option(names = "--id-token-alg", paramLabel = "ALG", defaultValue = "RS256", description = "the ID "
                    + "tokens' JWS algorithm: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
            SigningAlgorithm idTokenAlgorithm,
            @Option(names = "--require-mfa", description = "its users must pass a second factor") boolean requireMfa,
            @Option(names = "--first-party", description = "the operator's own application: it gets offline_access "
                    + "without asking the user (OIDC Core §11); others need prompt=consent and the user's Allow")
            boolean firstParty,
            @Option(names = "--native", description = "a native app (application_type native): its loopback "
                    + "redirect URIs (http://127.0.0.1/... or http://[::1]/...) accept any port, RFC 8252 §7.3")
            boolean nativeApp,
            @Option(names = "--resource-server-for", paramLabel = "CLIENT_ID", description = "a resource server "
                    + "that may introspect the access tokens of this client (RFC 7662 §4); repeat for several, "
                    + "'*' for every client") List<String> resourceServerFor) {
        checkClientId(clientId);
        if (name != null && (name.isBlank() || name.chars().anyMatch(Character::isISOControl))) {
            throw new Failure("--name must be printable text");
        }
        Set<String> grants = new LinkedHashSet<>(grantTypes == null || grantTypes.isEmpty()
                ? List.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN) : grantTypes);
        for (String grant : grants) {
            if (!GrantTypes.ALL.contains(grant)) {
                throw new Failure("--grant-type " + grant + " is not one of authorization_code, refresh_token, "
                        + "client_credentials");
            }
        }
        List<URI> redirects = uris("--redirect-uri", redirectUris);
        if (grants.contains(Client.AUTHORIZATION_CODE) && redirects.isEmpty()) {
            throw new Failure("authorization_code needs at least one --redirect-uri");
        }
        if (grants.contains(Client.REFRESH_TOKEN) && !grants.contains(Client.AUTHORIZATION_CODE)) {
            throw new Failure("refresh_token goes with authorization_code (refresh tokens come from the code flow)");
        }
        // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
        if (publicClient && grants.contains(Client.CLIENT_CREDENTIALS)) {
            throw new Failure("a public client cannot use client_credentials");
        }
        List<URI> postLogout = uris("--post-logout-redirect-uri", postLogoutRedirectUris);
        URI backchannel = backchannelLogoutUri == null ? null
                : uris("--backchannel-logout-uri", List.of(backchannelLogoutUri)).get(0);
        if (backchannel != null && !List.of("http", "https").contains(backchannel.getScheme())) {
            throw new Failure("--backchannel-logout-uri must be an http or https URL");
        }

        List<String> served = resourceServerFor == null ? List.of() : List.copyOf(new LinkedHashSet<>(
                resourceServerFor));
        for (String servedClient : served) {
            if (!servedClient.equals(Client.ANY_CLIENT)) {
                checkClientId(servedClient);
            }
        }
        if (!served.isEmpty() && publicClient) {
            // RFC 7662 §2.1: the introspection endpoint requires client authentication
            throw new Failure("a public client cannot introspect tokens (--resource-server-for needs a secret)");
        }

        // the provider's key, by the provider's name: a secret hashed under another key would never verify
        ClientSecretHasher secrets = publicClient ? null
                : new ClientSecretHasher(CredentialHashing.clientSecretKey(root.environment.settings()));
        Clients clients = new JdbcClients(root.environment.dataSource());
        if (clients.find(clientId).isPresent()) {
            throw new Failure("a client with id " + clientId + " exists");
        }
        String secret = publicClient ? null : RandomTokens.base64Url(SECRET_BYTES);
        Client client = new Client(clientId, name == null ? clientId : name,
                secret == null ? null : secrets.hash(secret), redirects, true, grants,
                postLogout, backchannel, idTokenAlgorithm.name(), requireMfa, firstParty,
                nativeApp ? Client.NATIVE : Client.WEB, served);
        if (!clients.createIfAbsent(client)) {
            throw new Failure("a client with id " + clientId + " exists");
        }
        root.environment.audit(AuditEvent.Type.CLIENT_REGISTERED, clientId, null, null,
                (publicClient ? "public" : "confidential") + (firstParty ? " first-party" : "")
                        + (nativeApp ? " native" : "")
                        + " client registered, grant types " + String.join(" ", grants)
                        + (served.isEmpty() ? "" : ", resource server for " + String.join(" ", served)));
        PrintWriter out = out();
        out.println("client_id: " + clientId);
        if (secret != null) {
            out.println("client_secret: " + secret);
            spec.commandLine().getErr().println("The client secret is shown only this once: store it now. "
                    + "Only its hash is kept.");
        } else {
            spec.commandLine().getErr().println("A public client: no secret; it authenticates with PKCE alone.");
        }
        return ExitStatus.OK;
    }

    @Command(name = "list", description = "Lists the clients (never a secret or its hash).")
    int list(@Option(names = "--json", description = "print JSON") boolean json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Client client : new JdbcClients(root.environment.dataSource()).list()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("client_id", client.clientId());
            row.put("name", client.name());
            row.put("type", client.isPublic() ? "public" : "confidential");
            row.put("enabled", client.enabled());
            row.put("grant_types", client.grantTypes().stream().sorted().toList());
            row.put("redirect_uris", client.redirectUris().stream().map(URI::toString).toList());
            row.put("post_logout_redirect_uris", client.postLogoutRedirectUris().stream().map(URI::toString).toList());
            row.put("backchannel_logout_uri", client.backchannelLogoutUri() == null ? null
                    : client.backchannelLogoutUri().toString());
            row.put("id_token_signed_response_alg", client.idTokenSigningAlgorithm());
            row.put("require_mfa", client.requireMfa());
            row.put("first_party", client.firstParty());
            row.put("application_type", client.applicationType());
            row.put("resource_server_for", client.resourceServerFor());
            rows.add(row);
        }
        PrintWriter out = out();
        if (json) {
            Listing.json(out, rows);
            return ExitStatus.OK;
        }
        String format = "%-24s %-12s %-7s %-5s %-11s %-5s %-45s %s%n";
        out.printf(Locale.ROOT, format, "CLIENT_ID", "TYPE", "ENABLED", "MFA", "FIRST_PARTY", "ALG", "GRANT_TYPES",
                "REDIRECT_URIS");
        for (Map<String, Object> row : rows) {
            out.printf(Locale.ROOT, format, Listing.printable(row.get("client_id")), row.get("type"),
                    Boolean.TRUE.equals(row.get("enabled")) ? "yes" : "no",
                    Boolean.TRUE.equals(row.get("require_mfa")) ? "yes" : "no",
                    Boolean.TRUE.equals(row.get("first_party")) ? "yes" : "no",
                    row.get("id_token_signed_response_alg"), String.join(",", strings(row.get("grant_types"))),
                    Listing.printable(String.join(" ", strings(row.get("redirect_uris")))));
        }
        return ExitStatus.OK;
    }

    @Command(name = "delete", description = {"Deletes the client with its codes, grants and tokens.",
        "The audit trail keeps its events. Asks first on a terminal; a script must give --yes."})
    int delete(@Parameters(paramLabel = "CLIENT_ID") String clientId,
            @Option(names = "--yes", description = "do not ask") boolean yes) {
        checkClientId(clientId);
        Clients clients = new JdbcClients(root.environment.dataSource());
        if (clients.find(clientId).isEmpty()) {
            throw new Failure("no client with id " + clientId);
        }
        if (!yes) {
            if (!root.environment.interactive()) {
                throw new ParameterException(spec.commandLine().getSubcommands().get("delete"),
                        "Refusing to delete without --yes when standard input is not a terminal");
            }
            if (!root.environment.confirm("Delete client " + clientId + " and every token issued to it?")) {
                throw new Failure("not deleted");
            }
        }
        if (!clients.delete(clientId)) {
            throw new Failure("no client with id " + clientId);
        }
        root.environment.audit(AuditEvent.Type.CLIENT_DELETED, clientId, null, null, "client deleted");
        out().println("deleted " + clientId);
        return ExitStatus.OK;
    }

    /** Absolute, without a fragment (RFC 6749 §3.1.2: the redirection endpoint URI "MUST NOT include a fragment"). */
    private static List<URI> uris(String option, List<String> values) {
        List<URI> uris = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : values) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new Failure(option + " " + value + " is not a valid URI");
            }
            if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                throw new Failure(option + " " + value + " must be an absolute URI without a fragment");
            }
            uris.add(uri);
        }
        return uris;
    }

    /** RFC 6749 Appendix A.1: client_id is VSCHAR; without spaces here, so it stays one word in a shell. */
    private static void checkClientId(String clientId) {
        if (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID_LENGTH
                || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new Failure("a client id is 1 to " + MAX_CLIENT_ID_LENGTH
                    + " printable ASCII characters without spaces");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
