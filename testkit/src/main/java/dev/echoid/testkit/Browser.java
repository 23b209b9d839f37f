package dev.echoid.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Real HTTP with a cookie jar; redirects are never followed, so each hop can be asserted. */
public final class Browser {

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public HttpResponse<String> get(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<String> postForm(URI uri, Map<String, String> form, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CookieManager cookies() {
        return cookies;
    }

    /**
     * A new user in the same program: the cookies are gone, the connections stay (as a load generator's users share
     * its connection pool). A load that made a new {@code Browser} per round would leave each one's keep-alive
     * connection open until the server's keep-alive timeout, and at tens of rounds a second that fills the server's
     * {@code maxConnections}: requests then wait in the accept queue and time out with no answer.
     */
    public void forgetCookies() {
        cookies.getCookieStore().removeAll();
    }

    /** Fills and submits the form with the given id, as a person would (hidden fields included). */
    public HttpResponse<String> submit(HttpResponse<String> page, String formId, Map<String, String> fields,
            String button) {
        return submit(page, page.uri(), formId, fields, button);
    }

    /**
     * As {@link #submit(HttpResponse, String, Map, String)}, with the form's action resolved against {@code base}:
     * the page came from one server and the form goes to another (two nodes behind one address).
     */
    public HttpResponse<String> submit(HttpResponse<String> page, URI base, String formId, Map<String, String> fields,
            String button) {
        FilledForm form;
        try {
            form = FilledForm.of(page.body(), base, formId, fields, button);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(e.getMessage() + " in:\n" + page.body());
        }
        return postForm(form.action(), form.values());
    }

    public static URI location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("No Location header; status " + response.statusCode()));
        return response.uri().resolve(location);
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    public static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
