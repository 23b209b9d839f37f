package dev.echoid.identity.endpoint;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * GET and HEAD of the provider metadata ({@link DiscoveryEndpoint}) or the JWK Set ({@link JwksEndpoint}) answered
 * from the rendered document ({@link PublicDocuments}), without the JAX-RS runtime: these are the requests every
 * relying party repeats, and matching, injection and JSON writing per request cost several times the answer. A
 * matching {@code If-None-Match} gets {@code 304}. Other methods go on to the JAX-RS resource, which answers them
 * (405 with {@code Allow}) as before. Registered by {@code Bootstrap} on the document's exact path, ahead of Jersey.
 */
public class PublicDocumentFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    /** As long as the JWK Set may be cached: a new key is published for longer than this before it signs. */
    static final String CACHE_CONTROL = "public, max-age=300";

    private final transient Supplier<JsonDocument> document;

    private PublicDocumentFilter(Supplier<JsonDocument> document) {
        this.document = document;
    }

    /** For the provider metadata's path. */
    public static PublicDocumentFilter discovery(PublicDocuments documents) {
        return new PublicDocumentFilter(documents::discovery);
    }

    /** For the JWK Set's path. */
    public static PublicDocumentFilter jwks(PublicDocuments documents) {
        return new PublicDocumentFilter(documents::jwks);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            chain.doFilter(request, response);
            return;
        }
        JsonDocument answer = document.get();
        response.setHeader("Cache-Control", CACHE_CONTROL);
        response.setHeader("ETag", answer.etag());
        if (answer.matches(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType("application/json");
        response.setContentLength(answer.body().length);
        if (!head) {
            response.getOutputStream().write(answer.body());
        }
    }
}
