package dev.echoid.identity.web;

import dev.echoid.identity.endpoint.HtmlPage;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * No request body larger than {@link #MAX_BODY_BYTES} is read: a declared {@code Content-Length} above it is answered
 * {@code 413} before a byte is read; a body without one (chunked) is read here up to the limit, and answered
 * {@code 413} past it. Jersey's form and JSON readers read a body whole into memory, so without this a single
 * {@code POST /token} of 100 MB would cost the heap 100 MB or more. The Faces pages ({@code *.xhtml}) parse their
 * forms through the container, which {@code maxPostSize} bounds (see server-config).
 */
public class RequestBodyLimitFilter extends HttpFilter {

    /** Far above any protocol request here (a token request with a client assertion is a few KiB). */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            refuse(request, response);
            return;
        }
        if (declared >= 0 || request.getHeader("Transfer-Encoding") == null
                || request.getRequestURI().endsWith(".xhtml")) {
            chain.doFilter(request, response);
            return;
        }
        // a chunked body: read at most one byte past the limit, then hand over what was read
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            refuse(request, response);
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String description = "The request body is larger than " + MAX_BODY_BYTES + " bytes.";
        // the rest of the body is not read: the connection closes rather than swallow it
        response.setHeader("Connection", "close");
        response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        response.setHeader("Cache-Control", "no-store");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains("text/html")) {
            response.setContentType("text/html");
            response.getWriter().write(HtmlPage.document("This request is too large", description));
        } else {
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"invalid_request\",\"error_description\":\"" + description + "\"}");
        }
    }

    /** The request with its body already read (and bounded). */
    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return available() == 0;
                }

                @Override
                public int available() {
                    try {
                        return in.available();
                    } catch (IOException e) {
                        return 0;
                    }
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
