package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/** Fetches a JSON document (discovery, JWKS) from the provider. */
@FunctionalInterface
public interface JsonFetcher {

    /** @throws ProviderException when the document cannot be fetched or is not a JSON object */
    JsonNode fetch(URI uri);
}
