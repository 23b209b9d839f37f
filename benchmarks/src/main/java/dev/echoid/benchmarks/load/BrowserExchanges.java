package dev.echoid.benchmarks.load;

import dev.echoid.testkit.FilledForm;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A browser's exchanges with one cookie jar over a shared {@link HttpClient}: what a client with a cookie handler
 * does, without a client (with its threads and connections) per jar.
 */
final class BrowserExchanges {

    private final HttpClient http;
    private final Duration timeout;

    /** @param http without a cookie handler and not following redirects */
    BrowserExchanges(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    HttpResponse<String> get(CookieManager jar, URI uri) throws IOException, InterruptedException {
        return send(jar, uri, HttpRequest.newBuilder().GET());
    }

    /** Fills in and submits the form as a person would: its hidden fields, the given fields, the button pressed. */
    HttpResponse<String> submit(CookieManager jar, HttpResponse<String> page, String formId,
            Map<String, String> fields, String button) throws IOException, InterruptedException {
        FilledForm form = FilledForm.of(page.body(), page.uri(), formId, fields, button);
        return send(jar, form.action(), HttpRequest.newBuilder()
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.encoded())));
    }

    private HttpResponse<String> send(CookieManager jar, URI uri, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        for (Map.Entry<String, List<String>> cookies : jar.get(uri, Map.of()).entrySet()) {
            if (!cookies.getValue().isEmpty()) {
                request.header(cookies.getKey(), String.join("; ", cookies.getValue()));
            }
        }
        HttpResponse<String> response = http.send(request.uri(uri).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        jar.put(uri, response.headers().map());
        return response;
    }

    static HttpResponse<String> expect(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(step + ": HTTP " + response.statusCode() + ", expected " + status);
        }
        return response;
    }

    static URI location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                response.uri().getPath() + ": HTTP " + response.statusCode() + " without a Location"));
        return response.uri().resolve(location);
    }
}
