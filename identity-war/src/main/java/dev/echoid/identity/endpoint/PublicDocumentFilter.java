package dev.echoid.identity.endpoint;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Function;

/**
 * GET and HEAD of the provider metadata ({@link DiscoveryEndpoint}) or the JWK Set ({@link JwksEndpoint}) answered
 * from the rendered document ({@link PublicDocuments}), without the JAX-RS runtime: these are the requests every
 * relying party repeats, and matching, injection and JSON writing per request cost several times the answer. A
 * matching {@code If-None-Match} gets {@code 304}. Other methods go on to the JAX-RS resource, which answers them
 * (405 with {@code Allow}) as before. Mapped in {@code web.xml} to the document's exact path, init parameter
 * {@code document}: {@code discovery} or {@code jwks}.
 */
public class PublicDocumentFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    /** As long as the JWK Set may be cached: a new key is published for longer than this before it signs. */
    static final String CACHE_CONTROL = "public, max-age=300";

    private transient Function<PublicDocuments, JsonDocument> document;
    private transient PublicDocuments documents;

    @Override
    public void init() throws ServletException {
        String name = getInitParameter("document");
        document = switch (name == null ? "" : name) {
            case "discovery" -> PublicDocuments::discovery;
            case "jwks" -> PublicDocuments::jwks;
            default -> throw new ServletException("init parameter document: discovery or jwks, not " + name);
        };
        documents = PublicDocuments.from(getServletContext());
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
        JsonDocument answer = document.apply(documents);
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
