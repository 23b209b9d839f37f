package dev.echoid.launcher;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 written to the socket as given, on a kept-alive connection: a client library refuses to send most of what
 * a fuzzer wants (a broken %-escape in a {@code URI}, a control character in a header). One connection per instance,
 * opened again when the server closes it; not thread-safe (one per worker thread and origin).
 */
final class RawHttp implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 30_000;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** One answer: status, headers in order (names as sent), the body decoded as UTF-8. */
    record Response(int status, List<String[]> headers, String body) {

        Optional<String> header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
        }
    }

    RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Sends one request (head written as ISO-8859-1, so a char below 256 is that byte) and reads its answer. A
     * connection that the server closed between two requests is opened again once.
     */
    Response exchange(String method, String head, byte[] body) throws IOException {
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        for (int attempt = 0; ; attempt++) {
            boolean reused = socket != null;
            try {
                connect();
                out.write(headBytes);
                out.write(body);
                out.flush();
                return read(method);
            } catch (EOFException | SocketException stale) {
                close();
                if (!reused || attempt > 0) {
                    throw stale;
                }
            }
        }
    }

    private void connect() throws IOException {
        if (socket == null) {
            socket = new Socket(host, port);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }
    }

    private Response read(String method) throws IOException {
        while (true) {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("Not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            List<String[]> headers = new ArrayList<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, Math.max(colon, 0)), line.substring(colon + 1).trim()});
            }
            if (status / 100 == 1) {
                continue; // an interim answer; the final one follows
            }
            Response partial = new Response(status, headers, "");
            byte[] body;
            boolean close = partial.header("Connection").map(v -> v.toLowerCase(Locale.ROOT).contains("close"))
                    .orElse(false);
            if (method.equals("HEAD") || status == 204 || status == 304) {
                body = new byte[0];
            } else if (partial.header("Transfer-Encoding").map(v -> v.equalsIgnoreCase("chunked")).orElse(false)) {
                body = chunked();
            } else if (partial.header("Content-Length").isPresent()) {
                body = exactly(Integer.parseInt(partial.header("Content-Length").get()));
            } else {
                body = untilClose();
                close = true;
            }
            if (close) {
                close();
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                throw new EOFException("Connection closed by the server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                while (!line().isEmpty()) {
                    // trailers: none expected, skipped
                }
                return body.toByteArray();
            }
            body.write(exactly(length));
            line();
            if (body.size() > MAX_BODY) {
                throw new IOException("Body larger than " + MAX_BODY);
            }
        }
    }

    private byte[] exactly(int length) throws IOException {
        if (length > MAX_BODY) {
            throw new IOException("Body larger than " + MAX_BODY);
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new IOException("Body ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    private byte[] untilClose() throws IOException {
        return in.readNBytes(MAX_BODY);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
