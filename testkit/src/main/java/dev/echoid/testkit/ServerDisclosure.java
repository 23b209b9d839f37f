package dev.echoid.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests that the servlet container refuses itself, before any web application runs (a request line or header
 * too long, a control character in a header, a malformed or encoded-slash URI, an unknown method, HTTP/0.9 and
 * junk), written to the socket byte by byte, and what their answers must not reveal: a stack trace, an exception's
 * class name, the server's product name or version ({@code Server}, {@code X-Powered-By}, the page itself).
 *
 * <p>Used against the launcher's embedded Tomcat, the standalone Tomcat of {@code server-config/tomcat/} and WildFly.
 */
public final class ServerDisclosure {

    /** One hand-written request: the exact bytes, sent over a fresh connection. */
    public record Probe(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What came back: the status (0 when the server closed without an HTTP answer) and the raw head and body. */
    public record Answer(int status, String head, String body) {

        /** The values of the response header {@code name}, case-insensitively. */
        public List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }
    }

    // product names of the servers and frameworks in play; none may appear in an answer
    private static final List<String> PRODUCTS = List.of("tomcat", "catalina", "coyote", "apache", "wildfly",
            "undertow", "jboss", "jersey", "mojarra", "weld", "glassfish", "jetty");
    // a stack frame, an exception's class name or a Java package
    private static final Pattern TRACE = Pattern.compile(
            "\\tat |\\bat [a-z]+\\.[a-zA-Z.$]+\\(|[A-Za-z]+(Exception|Error)\\b|\\b(java|javax|jakarta|org\\.apache|io\\.undertow|org\\.jboss)\\.[a-z]");
    // a version number such as 11.0.24 or 39.0.1.Final
    private static final Pattern VERSION = Pattern.compile("\\b\\d+\\.\\d+\\.\\d+");

    private ServerDisclosure() {
    }

    /**
     * The probes for a server at {@code host:port} that serves a web application under {@code path} (for example
     * {@code /identity/} or {@code /}).
     */
    public static List<Probe> probes(String host, int port, String path) {
        String authority = host + ":" + port;
        String tail = "Host: " + authority + "\r\nConnection: close\r\n\r\n";
        List<Probe> probes = new ArrayList<>();
        probes.add(probe("request line of 10 KB",
                "GET " + path + "?q=" + "a".repeat(10 * 1024) + " HTTP/1.1\r\n" + tail));
        probes.add(probe("request line of 100 KB",
                "GET " + path + "?q=" + "a".repeat(100 * 1024) + " HTTP/1.1\r\n" + tail));
        probes.add(probe("header of 100 KB",
                "GET " + path + " HTTP/1.1\r\nX-Filler: " + "b".repeat(100 * 1024) + "\r\n" + tail));
        probes.add(probe("a thousand headers",
                "GET " + path + " HTTP/1.1\r\n" + "X-Many: c\r\n".repeat(1000) + tail));
        probes.add(probe("control character in a header value",
                "GET " + path + " HTTP/1.1\r\nX-Note: a\u0001b\r\n" + tail));
        probes.add(probe("NUL in a header name",
                "GET " + path + " HTTP/1.1\r\nX-\u0000Note: a\r\n" + tail));
        probes.add(probe("header without a colon",
                "GET " + path + " HTTP/1.1\r\nnot a header\r\n" + tail));
        probes.add(probe("space in the Host header",
                "GET " + path + " HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"));
        probes.add(probe("broken %-escape in the path", "GET " + path + "%zz HTTP/1.1\r\n" + tail));
        probes.add(probe("encoded slash in the path", "GET " + path + "%2F HTTP/1.1\r\n" + tail));
        probes.add(probe("encoded backslash and dots", "GET " + path + "..%5C..%5Cetc HTTP/1.1\r\n" + tail));
        probes.add(probe("encoded NUL in the path", "GET " + path + "%00 HTTP/1.1\r\n" + tail));
        probes.add(probe("dot segments above the root", "GET " + path + "../../../etc/passwd HTTP/1.1\r\n" + tail));
        probes.add(probe("raw byte above 0x7F in the path", "GET " + path + "\u00ff HTTP/1.1\r\n" + tail));
        probes.add(probe("space inside the request target", "GET " + path + "a b HTTP/1.1\r\n" + tail));
        probes.add(probe("absolute URI of another host", "GET http://evil.example/ HTTP/1.1\r\n" + tail));
        probes.add(probe("unknown method", "BREW " + path + " HTTP/1.1\r\n" + tail));
        probes.add(probe("method with illegal characters", "G(E)T " + path + " HTTP/1.1\r\n" + tail));
        probes.add(probe("TRACE", "TRACE " + path + " HTTP/1.1\r\n" + tail));
        probes.add(probe("unknown protocol version", "GET " + path + " HTTP/7.3\r\n" + tail));
        probes.add(probe("HTTP/0.9 request", "GET " + path + "\r\n"));
        probes.add(probe("HTTP/2 preface on HTTP/1.1", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        probes.add(probe("junk line", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u00fc\u0003\u0003 junk\r\n\r\n"));
        probes.add(probe("Content-Length and Transfer-Encoding both",
                "POST " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nContent-Length: 4\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"));
        probes.add(probe("chunk size that is not hex",
                "POST " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"));
        probes.add(probe("Content-Length that is not a number",
                "POST " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nContent-Length: ten\r\n"
                        + "Connection: close\r\n\r\n"));
        return probes;
    }

    /**
     * True when {@code status} is a fair answer to {@code probe}: a 4xx, a redirect or success (a server may serve
     * what it could parse), 0 (the server closed without answering), and the two 5xx that HTTP names for these
     * cases: 501 for a method the server does not recognise (RFC 9110 §9.1, §15.6.2) and 505 for a major version
     * it does not support (RFC 9110 §15.6.6). Never 500.
     */
    public static boolean acceptableStatus(Probe probe, int status) {
        return status < 500 || (status == 501 && probe.name().equals("unknown method"))
                || (status == 505 && probe.name().equals("unknown protocol version"));
    }

    /** Sends the probe over a fresh connection and reads until the server closes it (or 10 s pass). */
    public static Answer send(String host, int port, Probe probe) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(probe.bytes());
                out.flush();
                socket.shutdownOutput();
            } catch (IOException refusedMidway) {
                // the server may answer and close before it read everything (a 100 KB header): read what it said
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException closedOrSlow) {
                // what arrived is the answer
            }
            return parse(received.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** Everything in the answer that gives the server or its code away; empty when it reveals nothing. */
    public static List<String> findings(Answer answer) {
        List<String> findings = new ArrayList<>();
        for (String header : List.of("Server", "X-Powered-By", "X-AspNet-Version", "X-Runtime")) {
            for (String value : answer.header(header)) {
                findings.add(header + ": " + value);
            }
        }
        String everything = (answer.head() + "\n" + answer.body());
        String lower = everything.toLowerCase(Locale.ROOT);
        for (String product : PRODUCTS) {
            if (lower.contains(product)) {
                findings.add("names " + product + ": " + around(everything, lower.indexOf(product)));
            }
        }
        Matcher trace = TRACE.matcher(everything);
        if (trace.find()) {
            findings.add("a stack trace or class name: " + around(everything, trace.start()));
        }
        Matcher version = VERSION.matcher(answer.body());
        if (version.find()) {
            findings.add("a version number: " + around(answer.body(), version.start()));
        }
        return findings;
    }

    private static Answer parse(String raw) {
        if (!raw.startsWith("HTTP/")) {
            return new Answer(0, "", raw);
        }
        int end = raw.indexOf("\r\n\r\n");
        String head = end < 0 ? raw : raw.substring(0, end);
        String body = end < 0 ? "" : raw.substring(end + 4);
        String[] statusLine = head.split("\r\n", 2)[0].split(" ");
        int status = statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : 0;
        return new Answer(status, head, body);
    }

    private static Probe probe(String name, String request) {
        return new Probe(name, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String around(String text, int at) {
        return text.substring(Math.max(0, at - 40), Math.min(text.length(), at + 60)).replace("\r\n", " | ");
    }
}
