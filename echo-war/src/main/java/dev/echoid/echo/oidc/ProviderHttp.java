package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The one HTTP client the gateway uses to talk to the provider: short timeouts, redirects not followed (a
 * document must come from the URL the provider advertised).
 */
public final class ProviderHttp implements JsonFetcher, AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The most of a provider's answer read (discovery, JWKS, token responses are a few KiB): no unbounded read. */
    static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final ExecutorService executor;

    public ProviderHttp() {
        // Our own daemon threads, shut down at undeploy (Java 17's HttpClient cannot be closed itself).
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "echo-oidc-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public JsonNode fetch(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new ProviderException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        JsonNode json = parse(response.body(), uri);
        if (!json.isObject()) {
            throw new ProviderException("GET " + uri + " did not answer a JSON object");
        }
        return json;
    }

    /** POSTs {@code form} as {@code application/x-www-form-urlencoded} with the given {@code Authorization} header. */
    HttpResponse<String> postForm(URI endpoint, Map<String, String> form, String authorization) {
        String body = form.entrySet().stream()
                .map(e -> AuthorizationRequest.formEncode(e.getKey()) + "=" + AuthorizationRequest.formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII))
                .build();
        return send(request);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, BoundedBody.handler(MAX_RESPONSE_BYTES));
        } catch (IOException e) {
            throw new ProviderException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(request.method() + " " + request.uri() + " was interrupted", e);
        }
    }

    static JsonNode parse(String body, URI from) {
        try {
            return JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new ProviderException(from + " did not answer valid JSON", e);
        }
    }
}
