package dev.echoid.echo.session;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * Puts the shared session store ({@link SharedSessions}) behind {@link HttpServletRequest#getSession}, so the
 * gateway's servlets work unchanged on one node or many. A session changed by the request is written before any
 * byte of the response leaves: the browser's next request, on whichever node, finds it. Without a shared store
 * (the default) the filter passes requests through to the container's sessions.
 */
public final class SharedSessionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    /** The gateway's pages fit: nothing is committed before the session is written, unless a servlet flushes. */
    static final int RESPONSE_BUFFER = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(SharedSessionFilter.class.getName());

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<SharedSessions> sessions = SharedSessions.of(getServletContext());
        if (sessions.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        response.setBufferSize(RESPONSE_BUFFER);
        StoredSessionRequest wrapped = new StoredSessionRequest(request, response, sessions.get());
        chain.doFilter(wrapped, new PersistBeforeCommit(response, wrapped));
        try {
            wrapped.persist();
        } catch (SessionStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "Session not written: {0}", e.getMessage());
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setHeader("Retry-After", "5");
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
        }
    }

    /** The request whose sessions are the store's. */
    static final class StoredSessionRequest extends HttpServletRequestWrapper {

        private final HttpServletResponse response;
        private final SharedSessions sessions;
        private StoredSession session;
        private boolean resolved;

        StoredSessionRequest(HttpServletRequest request, HttpServletResponse response, SharedSessions sessions) {
            super(request);
            this.response = response;
            this.sessions = sessions;
        }

        @Override
        public HttpSession getSession() {
            return getSession(true);
        }

        @Override
        public synchronized HttpSession getSession(boolean create) {
            if (!resolved) {
                resolved = true;
                session = sessions.requested((HttpServletRequest) getRequest()).orElse(null);
            }
            if (session != null && session.isValid()) {
                return session;
            }
            if (!create) {
                return null;
            }
            session = StoredSession.created(sessions, sessions.newId());
            sessions.sendCookie((HttpServletRequest) getRequest(), response, session);
            return session;
        }

        @Override
        public synchronized String changeSessionId() {
            HttpSession current = getSession(false);
            if (current == null) {
                throw new IllegalStateException("no session to change the id of");
            }
            String id = session.changeId();
            sessions.sendCookie((HttpServletRequest) getRequest(), response, session);
            return id;
        }

        @Override
        public boolean isRequestedSessionIdValid() {
            return getSession(false) != null && !session.isNew();
        }

        @Override
        public String getRequestedSessionId() {
            HttpSession current = getSession(false);
            return current == null || session.isNew() ? null : current.getId();
        }

        synchronized void persist() {
            if (session != null) {
                session.persist();
            }
        }
    }

    /** Writes the session first whenever a servlet would send the response's bytes. */
    static final class PersistBeforeCommit extends HttpServletResponseWrapper {

        private final StoredSessionRequest request;
        private PrintWriter writer;
        private ServletOutputStream stream;

        PersistBeforeCommit(HttpServletResponse response, StoredSessionRequest request) {
            super(response);
            this.request = request;
        }

        @Override
        public void flushBuffer() throws IOException {
            request.persist();
            super.flushBuffer();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                writer = new PrintWriter(super.getWriter()) {
                    @Override
                    public void flush() {
                        request.persist();
                        super.flush();
                    }

                    @Override
                    public void close() {
                        request.persist();
                        super.close();
                    }
                };
            }
            return writer;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream real = super.getOutputStream();
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        real.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        real.write(b, off, len);
                    }

                    @Override
                    public void flush() throws IOException {
                        request.persist();
                        real.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        request.persist();
                        real.close();
                    }

                    @Override
                    public boolean isReady() {
                        return real.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        real.setWriteListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
