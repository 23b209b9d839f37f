package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Fetches a JSON document (discovery, JWKS) from the provider. */
@FunctionalInterface
public interface JsonFetcher {

    /** A document and how long its sender lets it be cached ({@code Cache-Control: max-age}), when it said. */
    record Fetched(JsonNode json, Optional<Duration> maxAge) {
    }

    /** @throws ProviderException when the document cannot be fetched or is not a JSON object */
    JsonNode fetch(URI uri);

    /** As {@link #fetch(URI)}, with the document's freshness lifetime when the answer gave one. */
    default Fetched fetchWithMaxAge(URI uri) {
        return new Fetched(fetch(uri), Optional.empty());
    }
}
