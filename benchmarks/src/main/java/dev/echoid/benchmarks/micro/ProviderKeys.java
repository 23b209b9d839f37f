package dev.echoid.benchmarks.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.SigningKeyStore;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.JwtIssuer;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The provider's real token code ({@link SigningKeys}, {@link JwtIssuer}) with its keys held in memory instead of
 * PostgreSQL: the keys are the same RSA 2048 and P-256 pairs the provider generates, and the database is read only
 * at start-up and every 30 s, so it plays no part in the cost of one token.
 */
final class ProviderKeys {

    static final String ISSUER = "https://login.example.com/identity";
    static final String CLIENT_ID = "echo";
    static final String NONCE = "n-0S6_WzA2Mj";
    static final Scope SCOPE = Scope.of(Scope.OPENID, Scope.PROFILE, Scope.EMAIL);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SigningKeys keys = new SigningKeys(new InMemoryKeyStore(), Optional.empty()).initialize();
    private final JwtIssuer issuer = new JwtIssuer(
            IdentitySettings.from(SettingsSource.of(Map.of(IdentitySettings.ISSUER, ISSUER))), keys,
            Clock.systemUTC());
    private final User user = new User(UUID.randomUUID(), "ada", "unused", "Ada Lovelace", "ada@example.com", true, true);
    // the sign-in's session and time exist before the token is signed: not part of its cost
    private final UUID sid = UUID.randomUUID();
    private final Instant authTime = Instant.now();

    /** An ID token as the token endpoint returns it after a password sign-in, signed with {@code algorithm}. */
    String idToken(String algorithm) {
        return issuer.idToken(user, CLIENT_ID, SCOPE, NONCE, authTime, sid, algorithm,
                List.of("pwd"), "Yb3kq2bUeUQkQ1y6oU0yQg");
    }

    /** The JWK Set document the provider serves at {@code /jwks}. */
    JsonNode jwks() {
        return JSON.valueToTree(keys.jwks());
    }

    /** The members of the provider's discovery document that the gateway reads. */
    JsonNode discovery() {
        return JSON.valueToTree(Map.of(
                "issuer", ISSUER,
                "authorization_endpoint", ISSUER + "/authorize",
                "token_endpoint", ISSUER + "/token",
                "jwks_uri", jwksUri().toString(),
                "id_token_signing_alg_values_supported", keys.supportedAlgorithms()));
    }

    static URI jwksUri() {
        return URI.create(ISSUER + "/jwks");
    }

    /** Keys in a list: {@link SigningKeyStore}'s contract without the database. */
    private static final class InMemoryKeyStore implements SigningKeyStore {

        private final List<StoredKey> keys = new ArrayList<>();

        @Override
        public synchronized List<StoredKey> all() {
            return List.copyOf(keys);
        }

        @Override
        public synchronized StoredKey findOrInsert(String algorithm, Predicate<StoredKey> sufficient,
                Supplier<StoredKey> generator) {
            return keys.stream()
                    .filter(k -> k.algorithm().equals(algorithm))
                    .sorted(Comparator.comparing(StoredKey::notBefore).reversed())
                    .filter(sufficient)
                    .findFirst()
                    .orElseGet(() -> {
                        StoredKey key = generator.get();
                        keys.add(key);
                        return key;
                    });
        }
    }
}
