package dev.echoid.echo.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        return fetchWithMaxAge(uri).json();
    }

    @Override
    public Fetched fetchWithMaxAge(URI uri) {
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
        return new Fetched(json, maxAge(response.headers()));
    }

    /**
     * The freshness lifetime an answer gives itself (RFC 9111 §4.2.1): {@code Cache-Control: max-age} less the
     * {@code Age} it already has; zero for {@code no-cache} or {@code no-store}; empty when it says nothing.
     */
    static Optional<Duration> maxAge(HttpHeaders headers) {
        Long maxAge = null;
        for (String value : headers.allValues("Cache-Control")) {
            for (String directive : value.split(",")) {
                String[] parts = directive.trim().split("=", 2);
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (name.equals("no-cache") || name.equals("no-store")) {
                    return Optional.of(Duration.ZERO);
                }
                if (name.equals("max-age") && parts.length == 2) {
                    Long seconds = deltaSeconds(parts[1]);
                    if (seconds == null) {
                        return Optional.of(Duration.ZERO); // RFC 9111 §4.2.1: an invalid max-age means stale
                    }
                    maxAge = maxAge == null ? seconds : Math.min(maxAge, seconds);
                }
            }
        }
        if (maxAge == null) {
            return Optional.empty();
        }
        Long age = headers.firstValue("Age").map(ProviderHttp::deltaSeconds).orElse(null);
        return Optional.of(Duration.ofSeconds(Math.max(0, maxAge - (age == null ? 0 : age))));
    }

    /** RFC 9111 §1.2.2 delta-seconds (quoted too, as some servers send it); null when it is not one. */
    private static Long deltaSeconds(String value) {
        String digits = value.trim();
        if (digits.length() >= 2 && digits.startsWith("\"") && digits.endsWith("\"")) {
            digits = digits.substring(1, digits.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(digits);
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
