package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link JsonFetcher} serving documents from memory and counting fetches per URI. */
final class FakeProvider implements JsonFetcher {

    static final String ISSUER = "https://op.example/realm";
    static final URI JWKS_URI = URI.create("https://op.example/realm/jwks");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<URI, JsonNode> documents = new ConcurrentHashMap<>();
    private final Map<URI, AtomicInteger> fetches = new ConcurrentHashMap<>();

    FakeProvider serve(URI uri, Object document) {
        documents.put(uri, JSON.valueToTree(document));
        return this;
    }

    FakeProvider discovery(String issuer, List<String> algs) {
        return serve(ProviderMetadata.discoveryUri(ISSUER), Map.of(
                "issuer", issuer,
                "authorization_endpoint", ISSUER + "/authorize",
                "token_endpoint", ISSUER + "/token",
                "jwks_uri", JWKS_URI.toString(),
                "id_token_signing_alg_values_supported", algs));
    }

    FakeProvider jwks(List<Map<String, Object>> keys) {
        return serve(JWKS_URI, Map.of("keys", keys));
    }

    int fetches(URI uri) {
        AtomicInteger count = fetches.get(uri);
        return count == null ? 0 : count.get();
    }

    @Override
    public JsonNode fetch(URI uri) {
        fetches.computeIfAbsent(uri, u -> new AtomicInteger()).incrementAndGet();
        JsonNode document = documents.get(uri);
        if (document == null) {
            throw new ProviderException("GET " + uri + " answered HTTP 404");
        }
        return document;
    }
}
